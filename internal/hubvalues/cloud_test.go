package hubvalues

import (
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/z2jhtest"
)

func boolPtr(b bool) *bool { return &b }

// TestUserServiceAccount renders each shape of user_service_account, checks
// the values against the chart's schema, and reads them back to the same
// setting (import and drift).
func TestUserServiceAccount(t *testing.T) {
	schema, err := CompileSchema(z2jhtest.Schema(t))
	if err != nil {
		t.Fatal(err)
	}
	defaults := z2jhtest.Defaults(t)
	cases := map[string]struct {
		sa   UserServiceAccount
		want string
	}{
		"gke workload identity": {
			sa: UserServiceAccount{Name: "user",
				Annotations: map[string]string{"iam.gke.io/gcp-service-account": "hackweek-prod@hackweek-hub.iam.gserviceaccount.com"}},
			want: `custom:
  twoi2chub:
    userServiceAccount:
      annotations:
        iam.gke.io/gcp-service-account: hackweek-prod@hackweek-hub.iam.gserviceaccount.com
      name: user
singleuser:
  serviceAccountName: user
`,
		},
		"existing service account": {
			sa: UserServiceAccount{Name: "made-by-someone", Create: boolPtr(false)},
			want: `singleuser:
  serviceAccountName: made-by-someone
`,
		},
		"created, no annotations": {
			sa: UserServiceAccount{Name: "user"},
			want: `custom:
  twoi2chub:
    userServiceAccount:
      name: user
singleuser:
  serviceAccountName: user
`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			sa := tc.sa
			hub := Hub{UserServiceAccount: &sa}
			r, err := Render(hub)
			if err != nil {
				t.Fatal(err)
			}
			withoutOwned := deepCopy(r.Values).(map[string]any)
			subtract(withoutOwned, owned())
			got, _ := yaml.Marshal(withoutOwned)
			if string(got) != tc.want {
				t.Errorf("values:\n%s\nwant:\n%s", got, tc.want)
			}
			if issues := schema.Validate(Coalesce(defaults, r.Values)); len(issues) > 0 {
				t.Errorf("schema issues: %v", issues)
			}
			back, _, err := Parse(r.Values)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back.UserServiceAccount, hub.UserServiceAccount) || len(back.ExtraValues) != 0 {
				a, _ := yaml.Marshal(back)
				t.Errorf("parse(render(hub)) gave\n%s", a)
			}
		})
	}
}

// TestWorkloadIdentityMetadataIsOneSetting: GKE's Workload Identity (a
// ServiceAccount plus the metadata server opened) writes z2jh's two metadata
// switches from block_cloud_metadata alone, and reads back to the same two
// attributes, with nothing left to extra_values.
func TestWorkloadIdentityMetadataIsOneSetting(t *testing.T) {
	hub := Hub{
		UserServiceAccount: &UserServiceAccount{Name: "user", Annotations: map[string]string{"iam.gke.io/gcp-service-account": "u@p.iam.gserviceaccount.com"}},
		BlockCloudMetadata: boolPtr(false),
	}
	r, err := Render(hub)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []Pointer{PointerOf("singleuser", "cloudMetadata", "blockWithIptables"),
		PointerOf("singleuser", "networkPolicy", "egressAllowRules", "cloudMetadataServer")} {
		if got := r.AttrFor(p).String(); got != "block_cloud_metadata" {
			t.Errorf("%s is written by %q, want block_cloud_metadata alone", p.Dotted(), got)
		}
	}
	if issues := schemaIssues(t, r.Values); len(issues) > 0 {
		t.Errorf("schema issues: %v", issues)
	}
	back, _, err := Parse(r.Values)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.UserServiceAccount, hub.UserServiceAccount) || back.BlockCloudMetadata == nil || *back.BlockCloudMetadata ||
		len(back.ExtraValues) != 0 {
		a, _ := yaml.Marshal(back)
		t.Errorf("parse(render(hub)) gave\n%s", a)
	}
}

func schemaIssues(t *testing.T, v Values) []Issue {
	t.Helper()
	schema, err := CompileSchema(z2jhtest.Schema(t))
	if err != nil {
		t.Fatal(err)
	}
	return schema.Validate(Coalesce(z2jhtest.Defaults(t), v))
}

// TestUserServiceAccountDefaultsToCreated: create left out means the hub
// makes the ServiceAccount, and reads back as left out.
func TestUserServiceAccountDefaultsToCreated(t *testing.T) {
	r, err := Render(Hub{UserServiceAccount: &UserServiceAccount{Name: "user"}})
	if err != nil {
		t.Fatal(err)
	}
	if name, _ := lookupString(r.Values, "custom", "twoi2chub", "userServiceAccount", "name"); name != "user" {
		t.Fatalf("no ServiceAccount to create in %v", r.Values)
	}
	back, _, _ := Parse(r.Values)
	if back.UserServiceAccount == nil || back.UserServiceAccount.Create != nil {
		t.Errorf("read back as %+v", back.UserServiceAccount)
	}
}

func TestUserServiceAccountChecks(t *testing.T) {
	cases := []struct {
		name     string
		sa       UserServiceAccount
		attr     string
		contains string
	}{
		{"bad name", UserServiceAccount{Name: "User_1"}, "user_service_account.name", ""},
		{"bad annotation key", UserServiceAccount{Name: "user", Annotations: map[string]string{"not a key": "x"}}, "user_service_account.annotations.not a key", ""},
		{"annotations on an existing account", UserServiceAccount{Name: "user", Create: boolPtr(false), Annotations: map[string]string{"a": "b"}},
			"user_service_account.annotations", "annotate the existing ServiceAccount"},
		{"chart's own name", UserServiceAccount{Name: "hub"}, "user_service_account.name", `name the users' ServiceAccount otherwise`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sa := tc.sa
			hub := Hub{UserServiceAccount: &sa}
			ps := append(CheckFields(hub), Check(hub)...)
			if len(ps) != 1 {
				t.Fatalf("want one problem, got %+v", ps)
			}
			if got := ps[0].Attr.String(); got != tc.attr {
				t.Errorf("problem at %s, want %s", got, tc.attr)
			}
			if !strings.Contains(ps[0].Detail, tc.contains) {
				t.Errorf("detail %q lacks %q", ps[0].Detail, tc.contains)
			}
		})
	}
	if ps := append(CheckFields(Hub{UserServiceAccount: &UserServiceAccount{Name: "made-elsewhere", Create: boolPtr(false)}}),
		Check(Hub{UserServiceAccount: &UserServiceAccount{Name: "made-elsewhere", Create: boolPtr(false)}})...); len(ps) != 0 {
		t.Errorf("an existing ServiceAccount is fine: %+v", ps)
	}
}
