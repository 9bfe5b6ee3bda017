package hubactivity

import (
	"testing"
	"time"
)

func TestSummarizeWithoutServersScope(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	recent, old := now.Add(-time.Hour), now.Add(-20*24*time.Hour)
	started := now.Add(-30 * time.Hour)
	url := "/user/ada/"
	users := []User{
		{Name: "ada", Admin: true, LastActivity: &recent, Server: &url},
		{Name: "bob", LastActivity: &old, Servers: map[string]Server{"gpu": {Started: &started}}},
		{Name: "cy"},
	}
	s := Summarize(users, now, 24*time.Hour)
	if s.Users != 3 || s.Active24h != 1 || s.Active7d != 1 || s.Active30d != 2 || s.RunningServers != 2 {
		t.Errorf("summary %+v", s)
	}
	if len(s.PastMaxAge) != 1 || s.PastMaxAge[0].Name() != "bob/gpu" {
		t.Errorf("past max age %+v, want bob/gpu", s.PastMaxAge)
	}
	if len(s.Admins) != 1 || s.Admins[0] != "ada" {
		t.Errorf("admins %v", s.Admins)
	}
}
