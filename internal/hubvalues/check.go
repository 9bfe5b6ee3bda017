package hubvalues

import (
	"fmt"
)

// Problem is a setting that cannot work, at the attribute that holds it.
type Problem struct {
	Attr    AttrPath
	Summary string
	Detail  string
}

func (p Problem) String() string { return fmt.Sprintf("%s: %s: %s", p.Attr, p.Summary, p.Detail) }

type problems []Problem

func (ps *problems) add(attr AttrPath, summary, detail string, args ...any) {
	*ps = append(*ps, Problem{Attr: attr, Summary: summary, Detail: fmt.Sprintf(detail, args...)})
}

func (ps *problems) field(attr AttrPath, value string, check func(string) error) {
	if value == "" {
		return
	}
	if err := check(value); err != nil {
		ps.add(attr, "Invalid value", "%s", err.Error())
	}
}

// CheckFields checks each setting on its own: the same checks as the
// provider's attribute validators, for values that were unknown at plan.
func CheckFields(h Hub) []Problem {
	var ps problems
	for _, f := range features {
		if f.checkFields != nil {
			f.checkFields(h, &ps)
		}
	}
	return ps
}

// Check finds settings that are fine alone but do not work together.
func Check(h Hub) []Problem {
	var ps problems
	for _, f := range features {
		if f.check != nil {
			f.check(h, &ps)
		}
	}
	return ps
}

// atLeast checks an optional whole number against its minimum; what says
// what the number counts, for the message.
func (ps *problems) atLeast(attr AttrPath, v *int64, min int64, what string) {
	if v != nil && *v < min {
		ps.add(attr, "Invalid value", "%d is below %d: write %s", *v, min, what)
	}
}
