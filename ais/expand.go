package ais

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Expand turns files, directories and glob patterns into an ordered list of
// files, so that daily archives come in time order. "-" passes through.
//
// A directory gives every regular file below it (and links to files), skipping
// hidden files and folders; a pattern (filepath.Match syntax) gives its non-hidden matches, and
// an error when it matches nothing. Each argument's files are in natural name
// order (AIS_2023_1_2 before AIS_2023_1_10); the arguments keep their order and
// a file named twice is kept once.
func Expand(args []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, arg := range args {
		if arg == "-" {
			out = append(out, arg)
			continue
		}
		files, err := expandArg(arg)
		if err != nil {
			return nil, err
		}
		slices.SortFunc(files, naturalCompare)
		for _, f := range files {
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	return out, nil
}

// expandArg lists the files one argument names.
func expandArg(arg string) ([]string, error) {
	paths := []string{arg}
	if strings.ContainsAny(arg, `*?[`) {
		matches, err := filepath.Glob(arg)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", arg, err)
		}
		paths = paths[:0]
		for _, m := range matches {
			if !strings.HasPrefix(filepath.Base(m), ".") {
				paths = append(paths, m)
			}
		}
		if len(paths) == 0 {
			return nil, fmt.Errorf("%s: no files match", arg)
		}
	}
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if q != p && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() || d.Type()&fs.ModeSymlink != 0 && isRegularFile(q) {
				files = append(files, q)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return files, nil
}

// isRegularFile reports whether p (a symbolic link, say) leads to a regular file.
func isRegularFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// naturalCompare orders strings with runs of digits compared by value, so
// "day2" < "day10"; equal values with more leading zeros sort after.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da == 0 || db == 0 {
			if a[0] != b[0] {
				return int(a[0]) - int(b[0])
			}
			a, b = a[1:], b[1:]
			continue
		}
		na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
		if c := len(na) - len(nb); c != 0 {
			return c
		}
		if c := strings.Compare(na, nb); c != 0 {
			return c
		}
		if c := da - db; c != 0 {
			return c
		}
		a, b = a[da:], b[db:]
	}
	return len(a) - len(b)
}

// digitRun returns the length of the run of ASCII digits that starts s.
func digitRun(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}
