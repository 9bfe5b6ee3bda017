package hubvalues

import (
	"strings"
	"testing"
)

// checkRow is a hub and the problem its checks must report: at which
// attribute, saying what. An empty attr means no problem at all.
type checkRow struct {
	name string
	hub  Hub
	attr string
	says string
}

// runCheckRows runs CheckFields and Check over each row. CheckFields repeats
// the attribute validators for values unknown at plan, so each row fails
// without the check it names.
func runCheckRows(t *testing.T, rows []checkRow) {
	t.Helper()
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			found := append(CheckFields(row.hub), Check(row.hub)...)
			if row.attr == "" {
				if len(found) > 0 {
					t.Fatalf("want no problem, got %v", found)
				}
				return
			}
			for _, p := range found {
				if p.Attr.String() == row.attr && strings.Contains(p.Summary+": "+p.Detail, row.says) {
					return
				}
			}
			t.Fatalf("want a problem at %s saying %q, got %v", row.attr, row.says, found)
		})
	}
}

func TestLimitChecks(t *testing.T) {
	runCheckRows(t, []checkRow{
		{"limits and named servers that work", Hub{Limits: &Limits{ActiveServers: i64(0), ConcurrentSpawns: i64(10)},
			NamedServers: &NamedServers{Enabled: true, LimitPerUser: i64(2)}, Culling: &Culling{Enabled: true, RemoveNamedServers: boolp(true)}}, "", ""},
		{"negative active servers", Hub{Limits: &Limits{ActiveServers: i64(-1)}}, "limits.active_servers", "0 for no limit"},
		{"negative concurrent spawns", Hub{Limits: &Limits{ConcurrentSpawns: i64(-5)}}, "limits.concurrent_spawns", "-5 is below 0"},
		{"negative named server limit", Hub{NamedServers: &NamedServers{Enabled: true, LimitPerUser: i64(-1)}}, "named_servers.limit_per_user", "below 0"},
		{"a named server limit with named servers off", Hub{NamedServers: &NamedServers{LimitPerUser: i64(3)}}, "named_servers.limit_per_user", "set `enabled = true`"},
		{"removing named servers the hub does not allow", Hub{Culling: &Culling{Enabled: true, RemoveNamedServers: boolp(true)}}, "culling.remove_named_servers", "does not allow"},
		{"cull concurrency of zero", Hub{Culling: &Culling{Enabled: true, Concurrency: i64(0)}}, "culling.concurrency", "how many servers the culler stops at once"},
		{"cull max age below zero", Hub{Culling: &Culling{Enabled: true, MaxAge: i64(-1)}}, "culling.max_age", "0 for no maximum"},
	})
}

// TestCullingDeletesWarn: culling that deletes users or named servers warns
// when each has a home claim of its own (per-user storage, the default).
func TestCullingDeletesWarn(t *testing.T) {
	deleting := &Culling{Enabled: true, Users: boolp(true), RemoveNamedServers: boolp(true)}
	got := Warnings(Hub{Culling: deleting, NamedServers: &NamedServers{Enabled: true}})
	if len(got) != 2 || got[0].Attr.String() != "culling.users" || got[1].Attr.String() != "culling.remove_named_servers" {
		t.Errorf("per-user storage: %v", got)
	}
	if got := Warnings(Hub{Culling: deleting, Storage: &Storage{Type: StorageShared, ClaimName: "homes"}}); len(got) != 0 {
		t.Errorf("a shared claim is not deleted, yet %v", got)
	}
	if got := Warnings(Hub{Culling: &Culling{Enabled: true, Users: boolp(false)}}); len(got) != 0 {
		t.Errorf("nothing deleted, yet %v", got)
	}
}
