package main

import (
	"bufio"
	"os"
	"sort"
	"strings"
)

// requestShape names a Kubernetes API request by what it reads or writes,
// without the namespace's or object's name: "GET secrets (namespaced, one)",
// "LIST nodes". Paths are /api/v1/... or /apis/<group>/<version>/...,
// optionally /namespaces/<ns>/, then <resource>[/<name>[/<subresource>]].
func requestShape(method, path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case len(parts) >= 2 && parts[0] == "api":
		parts = parts[2:]
	case len(parts) >= 3 && parts[0] == "apis":
		parts = parts[3:]
	default:
		return method + " " + path // /version, /openapi/v3, discovery
	}
	scope := ""
	if len(parts) >= 3 && parts[0] == "namespaces" {
		scope, parts = " in a namespace", parts[2:]
	}
	switch len(parts) {
	case 0:
		return method + " discovery"
	case 1:
		if method == "GET" {
			method = "LIST"
		}
		return method + " " + parts[0] + scope
	case 2:
		return method + " one " + parts[0] + scope
	}
	return method + " one " + parts[0] + "/" + strings.Join(parts[2:], "/") + scope
}

// requestShapes counts, by shape, the requests logged in path (see
// rpcstats.EnvRequests); a missing file counts none.
func requestShapes(path string) map[string]int64 {
	shapes := map[string]int64{}
	f, err := os.Open(path)
	if err != nil {
		return shapes
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if method, p, ok := strings.Cut(sc.Text(), " "); ok {
			shapes[requestShape(method, p)]++
		}
	}
	return shapes
}

func total(shapes map[string]int64) int64 {
	var n int64
	for _, c := range shapes {
		n += c
	}
	return n
}

// topShapes orders shapes by count, most first, then by name.
func topShapes(shapes map[string]int64) []string {
	names := make([]string, 0, len(shapes))
	for s := range shapes {
		names = append(names, s)
	}
	sort.Slice(names, func(i, j int) bool {
		if shapes[names[i]] != shapes[names[j]] {
			return shapes[names[i]] > shapes[names[j]]
		}
		return names[i] < names[j]
	})
	return names
}
