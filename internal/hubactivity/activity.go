// Package hubactivity reads a JupyterHub's users through its REST API and
// sums them up: who is active, which servers run and for how long. Reading
// needs only a token with the list:users, read:users and read:servers
// scopes (servers' start times come with read:servers).
//
// The package knows nothing about Terraform or Kubernetes; Fetch takes the
// HTTP round trip to use.
package hubactivity

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// ServiceName is the JupyterHub service the hub resource provisions for
// reading activity; its token is in the hub's Secret under TokenKey.
const ServiceName = "twoi2chub-activity"

// TokenKey is where zero-to-jupyterhub keeps a service's generated token in
// the hub Secret ("hub").
const TokenKey = "hub.services." + ServiceName + ".apiToken"

// Scopes are the service's only permissions: list and read users and their
// servers, nothing to change.
var Scopes = []string{"list:users", "read:users", "read:servers"}

// User is what the users API returns that the summary needs.
type User struct {
	Name         string            `json:"name"`
	Admin        bool              `json:"admin"`
	LastActivity *time.Time        `json:"last_activity"`
	Server       *string           `json:"server"`
	Servers      map[string]Server `json:"servers"`
}

// Server is one of a user's servers.
type Server struct {
	Started      *time.Time `json:"started"`
	LastActivity *time.Time `json:"last_activity"`
	Ready        bool       `json:"ready"`
}

// Getter performs a GET of a path under the hub's /hub/api/ and returns the body.
type Getter func(ctx context.Context, path string, query url.Values) ([]byte, error)

// page is the users API's paginated answer.
type page struct {
	Items      []User `json:"items"`
	Pagination struct {
		Next *struct {
			Offset int `json:"offset"`
		} `json:"next"`
	} `json:"_pagination"`
}

// pageSize asks for as many users per request as the hub allows (its
// api_page_max_limit, 200 by default).
const pageSize = 200

// FetchUsers reads every user, following the API's pages.
func FetchUsers(ctx context.Context, get Getter) ([]User, error) {
	var users []User
	offset := 0
	for {
		body, err := get(ctx, "users", url.Values{"offset": {fmt.Sprint(offset)}, "limit": {fmt.Sprint(pageSize)}})
		if err != nil {
			return nil, err
		}
		var p page
		if err := json.Unmarshal(body, &p); err != nil {
			return nil, fmt.Errorf("the hub's users API answered something else than a page of users: %w", err)
		}
		users = append(users, p.Items...)
		if p.Pagination.Next == nil || p.Pagination.Next.Offset <= offset {
			return users, nil
		}
		offset = p.Pagination.Next.Offset
	}
}

// HTTPGetter reads the API at base (the hub's URL, e.g.
// "https://hub.example.org/") with the token, through rt.
func HTTPGetter(base string, token string, rt http.RoundTripper) Getter {
	client := &http.Client{Transport: rt, Timeout: 30 * time.Second}
	return func(ctx context.Context, path string, query url.Values) ([]byte, error) {
		u := strings.TrimSuffix(base, "/") + "/hub/api/" + path + "?" + query.Encode()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "token "+token)
		req.Header.Set("Accept", PaginationAccept)
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK {
			return nil, StatusError{Code: resp.StatusCode, Body: string(body)}
		}
		return body, nil
	}
}

// PaginationAccept asks the users API for pages with their links.
const PaginationAccept = "application/jupyterhub-pagination+json"

// StatusError is an answer of the hub other than 200.
type StatusError struct {
	Code int
	Body string
}

func (e StatusError) Error() string {
	hint := ""
	switch e.Code {
	case http.StatusForbidden, http.StatusUnauthorized:
		hint = ": the token lacks the list:users, read:users and read:servers scopes, or the hub no longer knows it"
	case http.StatusNotFound:
		hint = ": no JupyterHub API at this address"
	}
	body := e.Body
	if len(body) > 200 {
		body = body[:200] + "..."
	}
	return fmt.Sprintf("the hub answered %d%s (%s)", e.Code, hint, strings.TrimSpace(body))
}

// Summary is what the data source reports.
type Summary struct {
	Users          int
	Admins         []string
	Active24h      int
	Active7d       int
	Active30d      int
	RunningServers int
	// PastMaxAge are "user" or "user/server" of servers started more than
	// the maximum age ago, oldest first.
	PastMaxAge []OldServer
}

// OldServer is a server running past the maximum age.
type OldServer struct {
	User, Server string
	Started      time.Time
}

// Name is "user" for a default server, "user/server" for a named one.
func (o OldServer) Name() string {
	if o.Server == "" {
		return o.User
	}
	return o.User + "/" + o.Server
}

// Summarize sums users up at time now; servers started more than maxAge
// before now are listed (none when maxAge is 0).
func Summarize(users []User, now time.Time, maxAge time.Duration) Summary {
	s := Summary{Users: len(users), Admins: []string{}, PastMaxAge: []OldServer{}}
	for _, u := range users {
		if u.Admin {
			s.Admins = append(s.Admins, u.Name)
		}
		if a := u.LastActivity; a != nil {
			age := now.Sub(*a)
			if age <= 24*time.Hour {
				s.Active24h++
			}
			if age <= 7*24*time.Hour {
				s.Active7d++
			}
			if age <= 30*24*time.Hour {
				s.Active30d++
			}
		}
		if u.Servers == nil {
			// Without read:servers, only the default server shows, without its age.
			if u.Server != nil {
				s.RunningServers++
			}
			continue
		}
		for name, srv := range u.Servers {
			s.RunningServers++
			if maxAge > 0 && srv.Started != nil && now.Sub(*srv.Started) > maxAge {
				s.PastMaxAge = append(s.PastMaxAge, OldServer{User: u.Name, Server: name, Started: *srv.Started})
			}
		}
	}
	sort.Strings(s.Admins)
	sort.Slice(s.PastMaxAge, func(i, j int) bool {
		if !s.PastMaxAge[i].Started.Equal(s.PastMaxAge[j].Started) {
			return s.PastMaxAge[i].Started.Before(s.PastMaxAge[j].Started)
		}
		return s.PastMaxAge[i].Name() < s.PastMaxAge[j].Name()
	})
	return s
}
