// Package crier holds the files crier embeds into its binary: SQL migrations, the
// sample campaign definitions and their message templates.
package crier

import "embed"

// Migrations holds the numbered SQL migrations under migrations/.
//
//go:embed migrations/*.sql
var Migrations embed.FS

// Campaigns holds the bundled campaign definitions (campaigns/*.yaml) and their
// templates (templates/), used when no campaigns directory is given.
//
//go:embed campaigns templates
var Campaigns embed.FS
