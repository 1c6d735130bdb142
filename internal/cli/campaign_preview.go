package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/crier-dev/crier/internal/app"
)

type campaignPreviewCmd struct {
	Slug string `arg:"" help:"Campaign name: campaigns/NAME.yaml."`
	Dir  string `type:"existingdir" help:"Directory holding campaigns/ and templates/ (default: ./ if it has campaigns/, else the built-in ones)."`
}

// Run prints the sample SMS, its segments in each encoding, and per manager
// the recipients and estimated segments. It plans and sends nothing.
func (c campaignPreviewCmd) Run(g *Globals) error {
	st, err := g.open(true)
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := app.PreviewSMS(g.ctx, st, app.CampaignFS(c.Dir), app.Links(g.cfg), c.Slug)
	if err != nil {
		return err
	}
	w := g.env.Stdout
	fmt.Fprintf(w, "SMS of %s, for a sample contact:\n\n  %s\n\n", c.Slug, p.Sample)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "encoding\tunits\tsegments\tper segment\t")
	for _, cnt := range p.Counts {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t\n", cnt.Encoding, cnt.Units, cnt.Segments, cnt.PerSegment)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nEstimated per manager (GSM-7 or UCS-2 as Twilio sends; with the Turkish shift tables):")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "manager\trecipients\tsegments\tturkish tables\t")
	var recipients, segments, turkish int
	for _, m := range p.Managers {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t\n", m.Name, m.Recipients, m.Segments, m.TurkishSegments)
		recipients, segments, turkish = recipients+m.Recipients, segments+m.Segments, turkish+m.TurkishSegments
	}
	fmt.Fprintf(tw, "total\t%d\t%d\t%d\t\n", recipients, segments, turkish)
	return tw.Flush()
}
