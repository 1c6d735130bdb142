package demo

import (
	"math/rand/v2"
	"strconv"
	"time"
)

const (
	recentSize       = 512  // persons remembered for duplicates
	dupShare         = 0.03 // rows that repeat a recent person
	dupNewOwner      = 0.35 // duplicates filed under another manager
	noOwnerShare     = 0.01 // rows with an empty owner cell
	optOutShare      = 0.05 // rows unsubscribed from all e-mail
	rejectShare      = 0.02 // valid mobiles Twilio rejects on send
	undeliveredShare = 0.03 // valid mobiles whose status callback says undelivered
	pcgStream        = 0x6372696572646d6f
)

// generator produces export rows one at a time. Only the last recentSize persons
// and the Scenario are kept in memory.
type generator struct {
	rng     *rand.Rand
	cat     *catalog
	profs   []profile
	noOwner profile
	domains []emailDomain
	weights weights
	recent  [recentSize]person
	created int
	mobiles mobileSeq
	id      int64
	start   time.Time
	minute  int64
	step    int64
	rows    int
	row     [11]string
	scen    Scenario
	bounced map[string]struct{}
	dateBuf []byte
}

// weights are the precomputed weight tables the generator draws with.
type weights struct {
	owners, domains, prefixes, areas      []float64
	mobileFmts, landlineFmts, localStyles []float64
	prefixList, areaList                  []string
	asciiDomains                          float64 // share of addresses at ASCII domains
}

func newGenerator(opts Options) *generator {
	rng := rand.New(rand.NewPCG(uint64(opts.Seed), pcgStream))
	g := &generator{
		rng:     rng,
		cat:     newCatalog(),
		profs:   profiles(),
		noOwner: ownerless(),
		domains: emailDomains(),
		mobiles: newMobileSeq(rng),
		id:      20_000_000_000 + rng.Int64N(900_000_000),
		start:   time.Date(2019, 1, 2, 9, 0, 0, 0, time.UTC),
		bounced: make(map[string]struct{}),
		scen: Scenario{
			BounceEmails:       []string{},
			RejectNumbers:      make(map[string]int),
			UndeliveredNumbers: make(map[string]int),
		},
	}
	span := int64(time.Date(2025, 12, 31, 18, 0, 0, 0, time.UTC).Sub(g.start) / time.Minute)
	g.step = max(1, span/int64(opts.Contacts))
	g.weights = newWeights(g.profs, g.domains)
	return g
}

func newWeights(profs []profile, domains []emailDomain) weights {
	w := weights{
		mobileFmts:   []float64{25, 10, 10, 12, 6, 4, 5, 5, 3, 3, 3, 4, 5, 2},
		landlineFmts: []float64{30, 12, 10, 12, 8, 12, 10, 6},
		areaList:     []string{"212", "216", "312", "232"},
		areas:        []float64{4, 3, 2, 1.5},
		localStyles:  []float64{30, 15, 10, 10, 5, 10, 5, 5},
	}
	for _, p := range profs {
		w.owners = append(w.owners, p.weight)
	}
	var total, ascii float64
	for _, d := range domains {
		w.domains = append(w.domains, d.weight)
		total += d.weight
		if isASCII(d.name) {
			ascii += d.weight
		}
	}
	w.asciiDomains = ascii / total
	for n := 501; n <= 559; n++ {
		if (n > 507 && n < 530) || (n > 555 && n < 559) {
			continue
		}
		w.prefixList = append(w.prefixList, strconv.Itoa(n))
		w.prefixes = append(w.prefixes, prefixWeight(n))
	}
	return w
}

// prefixWeight is the relative share of a mobile prefix: 53x (Turkcell) is the
// most common, then 54x (Vodafone), then 50x and 55x (Türk Telekom).
func prefixWeight(n int) float64 {
	switch n / 10 {
	case 53:
		return 4
	case 54:
		return 3
	default:
		return 1.5
	}
}

// next returns the cells of the next row. The slice is reused by the next call.
func (g *generator) next() []string {
	dup := g.created > 0 && g.rng.Float64() < dupShare
	var p person
	if dup {
		p = g.duplicate()
	} else {
		p = g.newPerson()
		g.recent[g.created%recentSize] = p
		g.created++
	}
	cells := g.render(&p)
	if !dup {
		g.pickScenario(&p)
	}
	g.rows++
	return cells
}

// profile returns the data-quality profile of an owner index (-1: no owner).
func (g *generator) profile(owner int) *profile {
	if owner < 0 {
		return &g.noOwner
	}
	return &g.profs[owner]
}

func (g *generator) pickOwner() int {
	if g.rng.Float64() < noOwnerShare {
		return -1
	}
	return pick(g.rng, g.weights.owners)
}

// duplicate repeats a recent person, typed again: other formats, sometimes another
// owner.
func (g *generator) duplicate() person {
	p := g.recent[g.rng.IntN(min(g.created, recentSize))]
	if p.owner >= 0 && g.rng.Float64() < dupNewOwner {
		p.owner = (p.owner + 1 + g.rng.IntN(len(g.profs)-1)) % len(g.profs)
	}
	if p.emailKind >= emailTypo {
		p.emailForm = g.emailForm(g.profile(p.owner))
	}
	p.mobileFmt = pick(g.rng, g.weights.mobileFmts)
	p.landlineFmt = pick(g.rng, g.weights.landlineFmts)
	return p
}

// pickScenario decides whether a new person's mailbox bounces and whether their
// mobile fails.
func (g *generator) pickScenario(p *person) {
	if p.optOut {
		return
	}
	// Only plain ASCII addresses of subscribed contacts can bounce; they carry the
	// whole share of the owner's valid addresses.
	prof := g.profile(p.owner)
	eligible := (1 - prof.emailMessy) * (1 - optOutShare) * g.weights.asciiDomains
	if p.bounceEligible() && g.rng.Float64()*eligible < prof.bounce {
		addr := p.local + "@" + p.domain
		if _, seen := g.bounced[addr]; !seen {
			g.bounced[addr] = struct{}{}
			g.scen.BounceEmails = append(g.scen.BounceEmails, addr)
		}
	}
	if !p.mobileValid {
		return
	}
	e164 := "+90" + p.mobile
	// Opted-out contacts get no SMS, so the others carry the whole share.
	switch u := g.rng.Float64() * (1 - optOutShare); {
	case u < rejectShare:
		g.scen.RejectNumbers[e164] = 21211
	case u < rejectShare+undeliveredShare:
		g.scen.UndeliveredNumbers[e164] = []int{30003, 30003, 30005, 30006}[g.rng.IntN(4)]
	}
}

func (g *generator) dataset() Dataset {
	ms := make([]Manager, len(g.profs))
	for i, p := range g.profs {
		ms[i] = p.Manager
	}
	return Dataset{Managers: ms, Scenario: g.scen, Rows: g.rows}
}

// render fills the row cells for p.
func (g *generator) render(p *person) []string {
	prof := g.profile(p.owner)
	g.id += 1 + g.rng.Int64N(37)
	g.minute += 1 + g.rng.Int64N(2*g.step)
	r := &g.row
	r[0] = strconv.FormatInt(g.id, 10)
	r[1], r[2] = g.names(p.first, p.last, prof.nameNoise)
	r[3] = g.emailCell(p)
	r[4], r[5] = g.phoneCells(p)
	r[6] = prof.Name
	r[7] = g.companyCell(p.company, prof.nameNoise)
	r[8] = p.stage
	g.dateBuf = g.start.Add(time.Duration(g.minute)*time.Minute).
		AppendFormat(g.dateBuf[:0], "2006-01-02 15:04")
	r[9] = string(g.dateBuf)
	r[10] = g.optOutCell(p.optOut)
	return r[:]
}

func (g *generator) optOutCell(optOut bool) string {
	switch {
	case optOut:
		return "true"
	case g.rng.IntN(7) == 0:
		return ""
	default:
		return "false"
	}
}

// pick returns an index drawn with the given relative weights.
func pick(rng *rand.Rand, w []float64) int {
	var total float64
	for _, x := range w {
		total += x
	}
	u := rng.Float64() * total
	for i, x := range w {
		if u < x {
			return i
		}
		u -= x
	}
	return len(w) - 1
}

// pickString returns one of the options, uniformly.
func pickString(rng *rand.Rand, options ...string) string {
	return options[rng.IntN(len(options))]
}
