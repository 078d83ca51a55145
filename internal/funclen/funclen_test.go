package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// limit is the length no function of the module may reach again: issue 25
// split every one above ~80 lines that read better split, and the longest
// left is under it. A function that grows past it should be split into
// parts that say what they do, not the limit raised.
const limit = 84

func TestNoFunctionOverLimit(t *testing.T) {
	all, err := scan(filepath.Join("..", ".."), false)
	if err != nil {
		t.Fatal(err)
	}
	var long []string
	for _, f := range all {
		if f.lines > limit {
			long = append(long, f.name+" "+f.where)
		}
	}
	if len(long) > 0 {
		t.Errorf("functions over %d lines (split them; scripts/funclen lists them all):\n%s", limit, strings.Join(long, "\n"))
	}
}

func TestScanMeasuresFunctions(t *testing.T) {
	all, err := scan(".", true)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, f := range all {
		got[f.name] = f.lines
	}
	// TestScanMeasuresFunctions itself, from its func line to its brace.
	if n := got["TestScanMeasuresFunctions"]; n != 17 {
		t.Errorf("TestScanMeasuresFunctions measured %d lines, want 17", n)
	}
	if _, ok := got["scan"]; !ok {
		t.Errorf("scan not found in %v", got)
	}
}
