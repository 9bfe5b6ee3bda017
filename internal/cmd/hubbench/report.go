package main

import (
	"fmt"
	"io"
)

// report writes the measurements as Markdown tables, then the project's goals
// as ratios from the same run. It returns false when a goal on API reads
// beside the support services is missed: those are counts, not timings, so
// a miss is a regression whatever the machine's load.
func report(w io.Writer, results []*result, startups []startup, load string) bool {
	by := map[string]map[int]*result{}
	var hubs []int
	for _, r := range results {
		if by[r.kind] == nil {
			by[r.kind] = map[int]*result{}
		}
		by[r.kind][r.hubs] = r
		if r.kind == "floor" {
			hubs = append(hubs, r.hubs)
		}
	}
	floor, t, h := by["floor"], by["twoi2chub"], by["helm_release"]
	secs := func(r *result, ps func(*result) []plan) float64 {
		if r == nil {
			return 0
		}
		return median(seconds(ps(r)))
	}
	noop := func(r *result) []plan { return r.noop }
	changing := func(r *result) []plan { return r.changing }
	// own is a provider's time per hub beyond the floor's, in ms.
	own := func(r *result, n int, ps func(*result) []plan) float64 {
		if r == nil {
			return 0
		}
		return 1000 * (secs(r, ps) - secs(floor[n], ps)) / float64(n)
	}
	perHub := func(r *result, n int, ps func(*result) []plan, f func(plan) float64) float64 {
		if r == nil {
			return 0
		}
		return medianOf(ps(r), f) / float64(n)
	}
	secretReads := func(p plan) float64 { return float64(p.secretRequests) }
	allReads := func(p plan) float64 { return float64(p.allRequests) }
	rpcMillis := func(p plan) float64 { return 1000 * p.rpcSeconds }
	rss := func(r *result) float64 {
		if r == nil {
			return 0
		}
		return medianOf(r.noop, func(p plan) float64 { return float64(p.peakRSSKiB) }) / 1024
	}

	fmt.Fprintf(w, "\nMachine load average (1 min) when the report was written: %s. Times are medians of the runs.\n", load)
	fmt.Fprintln(w, "\nNo-op plan:")
	fmt.Fprintln(w, "\n| hubs | floor (s) | twoi2chub (s) | helm_release (s) | twoi2chub / floor | own time per hub, twoi2chub (ms) | own time per hub, helm_release (ms) | twoi2chub in protocol calls per hub (ms) | release reads per hub, twoi2chub / helm | all API requests per hub, twoi2chub / helm | peak RSS, twoi2chub / helm (MiB) |")
	fmt.Fprintln(w, "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, n := range hubs {
		fmt.Fprintf(w, "| %d | %.2f | %.2f | %.2f | %.2f | %.1f | %.1f | %.1f | %.2f / %.2f | %.2f / %.2f | %.0f / %.0f |\n", n,
			secs(floor[n], noop), secs(t[n], noop), secs(h[n], noop), secs(t[n], noop)/secs(floor[n], noop),
			own(t[n], n, noop), own(h[n], n, noop), perHub(t[n], n, noop, rpcMillis),
			perHub(t[n], n, noop, secretReads), perHub(h[n], n, noop, secretReads),
			perHub(t[n], n, noop, allReads), perHub(h[n], n, noop, allReads), rss(t[n]), rss(h[n]))
	}
	fmt.Fprintln(w, "\nPlan that changes every hub (its culling timeout):")
	fmt.Fprintln(w, "\n| hubs | floor (s) | twoi2chub (s) | helm_release (s) | own time per hub, twoi2chub (ms) | own time per hub, helm_release (ms) | twoi2chub in protocol calls per hub (ms) | all API requests per hub, twoi2chub / helm |")
	fmt.Fprintln(w, "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, n := range hubs {
		fmt.Fprintf(w, "| %d | %.2f | %.2f | %.2f | %.1f | %.1f | %.1f | %.2f / %.2f |\n", n,
			secs(floor[n], changing), secs(t[n], changing), secs(h[n], changing), own(t[n], n, changing), own(h[n], n, changing),
			perHub(t[n], n, changing, rpcMillis), perHub(t[n], n, changing, allReads), perHub(h[n], n, changing, allReads))
	}
	fmt.Fprintln(w, "\ntwoi2chub's own API requests per hub (its request log, without the test bed's background traffic):")
	fmt.Fprintln(w, "\n| hubs | no-op plan | changing plan |")
	fmt.Fprintln(w, "| ---: | ---: | ---: |")
	ownTotal := func(p plan) float64 { return float64(total(p.ownRequests)) }
	for _, n := range hubs {
		fmt.Fprintf(w, "| %d | %.2f | %.2f |\n", n, perHub(t[n], n, noop, ownTotal), perHub(t[n], n, changing, ownTotal))
	}
	if last := hubs[len(hubs)-1]; t[last] != nil && len(t[last].changing) > 0 {
		shapes := t[last].changing[0].ownRequests
		fmt.Fprintf(w, "\nWhich requests, changing plan of %d hubs (first run), per hub:\n\n| request | per hub |\n| --- | ---: |\n", last)
		for _, s := range topShapes(shapes) {
			fmt.Fprintf(w, "| %s | %.2f |\n", s, float64(shapes[s])/float64(last))
		}
	}
	fmt.Fprintln(w, "\nApply (both wait for the hub's Deployments and the chart's hooks; parallelism 10):")
	fmt.Fprintln(w, "\n| hubs | install, twoi2chub (s) | install, helm_release (s) | ratio | upgrade, twoi2chub (s) | upgrade, helm_release (s) | ratio | chart archives / indexes downloaded, twoi2chub / helm |")
	fmt.Fprintln(w, "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, n := range hubs {
		ti, hi, tu, hu := field(t[n], func(r *result) float64 { return r.install }), field(h[n], func(r *result) float64 { return r.install }),
			field(t[n], func(r *result) float64 { return r.upgrade }), field(h[n], func(r *result) float64 { return r.upgrade })
		fmt.Fprintf(w, "| %d | %.1f | %.1f | %.2f | %.1f | %.1f | %.2f | %d / %d, %d / %d |\n", n, ti, hi, ratio(ti, hi), tu, hu, ratio(tu, hu),
			count(t[n], true), count(t[n], false), count(h[n], true), count(h[n], false))
	}
	fmt.Fprintln(w, "\nStart-up, exec to handshake (median of 5):")
	fmt.Fprintln(w, "\n| provider | ms |\n| --- | ---: |")
	for _, s := range startups {
		fmt.Fprintf(w, "| %s | %.1f |\n", s.kind, s.millis)
	}

	n := hubs[len(hubs)-1]
	var archives int64
	for _, r := range t {
		archives += r.archives
	}
	fmt.Fprintf(w, "\nGoals, at %d hubs:\n\n", n)
	goal(w, "no-op plan within 1.2x the floor", secs(t[n], noop)/secs(floor[n], noop), 1.2, true, "x the floor")
	if h[n] != nil {
		goal(w, "own time per hub at least 3x below helm_release's", ratio(own(h[n], n, noop), own(t[n], n, noop)), 3, false, "x below")
	}
	goal(w, "at most 2 release reads per hub per refresh", perHub(t[n], n, noop, secretReads), 2, true, "reads per hub")
	goal(w, "at most 2 API requests of the provider's own per hub per refresh", perHub(t[n], n, noop, ownTotal), 2, true, "requests per hub")
	goal(w, "one chart download per version per machine", float64(archives), 1, true, "archive downloads in all twoi2chub runs")
	goal(w, "peak RSS under 150 MB", rss(t[n])*1.048576, 150, true, "MB")
	return reportSupport(w, hubs, t)
}

// reportSupport writes, for twoi2chub's runs with -support, the hubs' reads
// beside a twoi2chub_cluster_support against the same hubs' reads without it,
// and the support's own, then checks them at every hub count.
func reportSupport(w io.Writer, hubs []int, t map[int]*result) bool {
	var measured []int
	for _, n := range hubs {
		if t[n] != nil && len(t[n].noopSupport) > 0 {
			measured = append(measured, n)
		}
	}
	if len(measured) == 0 {
		return true
	}
	secretReads := func(p plan) float64 { return float64(p.secretRequests) }
	allReads := func(p plan) float64 { return float64(p.reads) }
	ownRequests := func(p plan) float64 { return float64(total(p.ownRequests)) }
	// The hubs' share of a plan beside the support: the plan's requests less
	// those of a plan refreshing the support alone.
	hubShare := func(r *result, n int, f func(plan) float64) float64 {
		return (medianOf(r.noopSupport, f) - medianOf(r.supportOwn, f)) / float64(n)
	}
	fmt.Fprintln(w, "\nNo-op plan of twoi2chub's hubs beside a twoi2chub_cluster_support of every component (same run, same hubs):")
	fmt.Fprintln(w, "\n| hubs | release reads per hub, without / with support | API reads per hub, without / with support | twoi2chub's own requests per hub, without / with support | support's own refresh: release reads / API reads / own requests | no-op plan without / with support (s) | support install (s) |")
	fmt.Fprintln(w, "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, n := range measured {
		r := t[n]
		fmt.Fprintf(w, "| %d | %.2f / %.2f | %.2f / %.2f | %.2f / %.2f | %.0f / %.0f / %.0f | %.2f / %.2f | %.1f |\n", n,
			medianOf(r.noop, secretReads)/float64(n), hubShare(r, n, secretReads),
			medianOf(r.noop, allReads)/float64(n), hubShare(r, n, allReads),
			medianOf(r.noop, ownRequests)/float64(n), hubShare(r, n, ownRequests),
			medianOf(r.supportOwn, secretReads), medianOf(r.supportOwn, allReads), medianOf(r.supportOwn, ownRequests),
			median(seconds(r.noop)), median(seconds(r.noopSupport)), r.supportInstall)
	}
	fmt.Fprintln(w, "\nAPI reads: GET and LIST requests of resources the API server counted, but lease renewals and the test bed's polling;")
	fmt.Fprintln(w, "own requests: twoi2chub's request log. The hubs' share beside the support is the plan's less a plan of the support alone (-target).")
	fmt.Fprintln(w, "\nGoals beside the support services (API reads are counts: a miss fails the bench):")
	fmt.Fprintln(w)
	ok := true
	for _, n := range measured {
		r := t[n]
		without := medianOf(r.noop, secretReads) / float64(n)
		ok = goal(w, fmt.Sprintf("%d hubs: release reads per hub beside the support as without it (%.2f), at most 2", n, without),
			hubShare(r, n, secretReads), min(without, 2), true, "reads per hub") && ok
		ok = goal(w, fmt.Sprintf("%d hubs: the support's refresh lists its releases once, whatever its 5 components", n),
			medianOf(r.supportOwn, secretReads), 1, true, "release reads") && ok
		ok = goal(w, fmt.Sprintf("%d hubs: the support's refresh at most 3 API reads (its releases, cert-manager's CRDs, the controller's Service)", n),
			max(medianOf(r.supportOwn, allReads), medianOf(r.supportOwn, ownRequests)), 3, true, "API reads") && ok
	}
	return ok
}

func field(r *result, f func(*result) float64) float64 {
	if r == nil {
		return 0
	}
	return f(r)
}

func count(r *result, archives bool) int64 {
	switch {
	case r == nil:
		return 0
	case archives:
		return r.archives
	}
	return r.indexes
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// goal prints one goal, met when the value is at most (or at least) the
// target, and returns whether it is met.
func goal(w io.Writer, what string, value, target float64, atMost bool, unit string) bool {
	met := value <= target
	if !atMost {
		met = value >= target
	}
	verdict := "met"
	if !met {
		verdict = "NOT met"
	}
	fmt.Fprintf(w, "- %s: %.2f %s (%s)\n", what, value, unit, verdict)
	return met
}
