package ais

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNaturalCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int // sign
	}{
		{"AIS_2023_01_02", "AIS_2023_01_10", -1},
		{"AIS_2023_1_2", "AIS_2023_1_10", -1},
		{"AIS_2023_1_10", "AIS_2023_1_9", 1},
		{"day9.csv", "day10.csv", -1},
		{"a", "a", 0},
		{"a1", "a01", -1}, // same value: fewer leading zeros first
		{"a", "a1", -1},
		{"b1", "a2", 1},
		{"x_2023_12_31.zip", "x_2024_01_01.zip", -1},
	}
	for _, tt := range tests {
		got := naturalCompare(tt.a, tt.b)
		assert.Equal(t, tt.want, sign(got), "%s vs %s", tt.a, tt.b)
		assert.Equal(t, -tt.want, sign(naturalCompare(tt.b, tt.a)), "%s vs %s reversed", tt.b, tt.a)
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

func TestExpand(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{
		"2023/AIS_2023_1_10.zip", "2023/AIS_2023_1_2.zip", "2023/AIS_2023_1_9.zip",
		"2023/feb/AIS_2023_2_1.zip", "2023/.hidden.zip", "2023/.git/objects/x",
		"solo.csv", ".dot.csv",
	} {
		p := filepath.Join(dir, f)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, nil, 0o644))
	}
	require.NoError(t, os.Symlink(filepath.Join(dir, "solo.csv"), filepath.Join(dir, "2023", "feb", "AIS_2023_2_10.csv")))
	require.NoError(t, os.Symlink(filepath.Join(dir, "nowhere"), filepath.Join(dir, "2023", "feb", "dangling.csv")))
	at := func(rel ...string) []string {
		out := make([]string, len(rel))
		for i, r := range rel {
			out[i] = filepath.Join(dir, r)
		}
		return out
	}
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"directory, recursive, hidden skipped, links to files followed, natural order", []string{filepath.Join(dir, "2023")},
			at("2023/AIS_2023_1_2.zip", "2023/AIS_2023_1_9.zip", "2023/AIS_2023_1_10.zip", "2023/feb/AIS_2023_2_1.zip", "2023/feb/AIS_2023_2_10.csv")},
		{"glob", []string{filepath.Join(dir, "2023", "AIS_2023_1_*.zip")},
			at("2023/AIS_2023_1_2.zip", "2023/AIS_2023_1_9.zip", "2023/AIS_2023_1_10.zip")},
		{"glob skips hidden", []string{filepath.Join(dir, "*.csv")}, at("solo.csv")},
		{"files keep argument order, stdin passes, duplicates once",
			[]string{filepath.Join(dir, "solo.csv"), "-", filepath.Join(dir, "2023", "AIS_2023_1_9.zip"), filepath.Join(dir, "2023", "AIS_2023_1_*.zip")},
			append(append(at("solo.csv"), "-"), at("2023/AIS_2023_1_9.zip", "2023/AIS_2023_1_2.zip", "2023/AIS_2023_1_10.zip")...)},
		{"hidden file named explicitly", []string{filepath.Join(dir, ".dot.csv")}, at(".dot.csv")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Expand(tt.args)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestExpandErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct{ arg, want string }{
		{filepath.Join(dir, "*.nmea"), filepath.Join(dir, "*.nmea") + ": no files match"},
		{filepath.Join(dir, "missing.csv"), "stat " + filepath.Join(dir, "missing.csv") + ": no such file or directory"},
		{filepath.Join(dir, "[.csv"), filepath.Join(dir, "[.csv") + ": syntax error in pattern"},
	}
	for _, tt := range tests {
		_, err := Expand([]string{tt.arg})
		require.Error(t, err)
		assert.Equal(t, tt.want, err.Error())
	}
}
