package detect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const ofacPath = "../../shared/data/reference/ofac_sdn_vessels_20240503.csv"

func TestLoadWatchlistOFAC(t *testing.T) {
	if _, err := os.Stat(ofacPath); err != nil {
		t.Skipf("../shared/data absent: %v", err)
	}
	w, err := LoadWatchlist(ofacPath)
	require.NoError(t, err)
	// 851 vessel rows, each with at least a name (data README), all cells well-formed.
	assert.Equal(t, 851, w.Len())
	n, _ := w.Skipped()
	assert.Zero(t, n)

	dprk, noFlag, aliases := 0, 0, 0
	for _, e := range w.entries {
		aliases += len(e.Aliases)
		if strings.Contains(e.Label, "DPRK") {
			dprk++
		}
		if e.Flag == "" {
			noFlag++
		}
	}
	assert.Equal(t, 105, dprk, "rows under DPRK programmes (data README)")
	assert.Equal(t, 60, aliases, "names quoted after a.k.a./f.k.a. in the remarks")
	assert.Equal(t, 36, noFlag, "every flag name resolves but the 35 empty ones and \"None Identified\"")

	// CHONG CHON GANG, DPRK programme, IMO 7937317, flagged DPRK.
	e, ok := w.ByIMO(7937317)
	require.True(t, ok)
	assert.Equal(t, "CHONG CHON GANG", e.Name)
	assert.Equal(t, "DPRK", e.Label)
	assert.Equal(t, "KP", e.Flag)
	byName, ok := w.ByName("chong-chon gang")
	require.True(t, ok)
	assert.Equal(t, uint32(7937317), byName.IMO)

	// ARTAVIL: IMO 9187629 listed with MMSI 572469210, flag Iran.
	e, ok = w.ByMMSI(572469210)
	require.True(t, ok)
	assert.Equal(t, uint32(9187629), e.IMO)
	assert.Equal(t, "IR", e.Flag)

	_, ok = w.ByIMO(9999999)
	assert.False(t, ok)

	// EBANO, IMO 7406784: remarks "f.k.a. 'ANA I'; f.k.a. 'SAND SWAN'".
	e, ok = w.ByName("Sand Swan")
	require.True(t, ok)
	assert.Equal(t, uint32(7406784), e.IMO)
	assert.Equal(t, []string{"ANA I", "SAND SWAN"}, e.Aliases)
}

func TestLoadWatchlistBunkerBarges(t *testing.T) {
	const path = "../../shared/data/reference/med_bunker_barges_by_port.csv"
	if _, err := os.Stat(path); err != nil {
		t.Skipf("../shared/data absent: %v", err)
	}
	w, err := LoadWatchlist(path)
	require.NoError(t, err)
	// two rows carry 9-digit numbers in the imo column
	n, examples := w.Skipped()
	assert.Equal(t, 2, n)
	assert.Contains(t, examples[0], `imo column: "544025572"`)
	e, ok := w.ByMMSI(224220360)
	require.True(t, ok)
	assert.Equal(t, uint32(9398955), e.IMO)
	assert.Equal(t, "SPABUNKER CINCUENTA", e.Name)
}

func TestLoadWatchlistVariantsFile(t *testing.T) {
	w, err := LoadWatchlist("testdata/watchlist_variants.csv")
	require.NoError(t, err)
	assert.Equal(t, 2, w.Len(), "the row without identity is skipped")

	e, ok := w.ByIMO(9383663)
	require.True(t, ok)
	assert.Equal(t, WatchEntry{IMO: 9383663, Name: "HWANG GUM SAN 2", Flag: "KP", Label: "UN1718", Line: 2}, e)
	e, ok = w.ByName("HWANG GUM SAN 2")
	require.True(t, ok)
	assert.Equal(t, uint32(9383663), e.IMO)

	e, ok = w.ByMMSI(445001000)
	require.True(t, ok)
	assert.Equal(t, uint32(8018900), e.IMO)
	assert.Equal(t, "KP", e.Flag)
}

func TestReadWatchlistVariants(t *testing.T) {
	tests := []struct {
		name  string
		csv   string
		imo   uint32
		mmsi  uint32
		vname string
	}{
		{"plain", "imo,mmsi,name\n9383663,412000001,Ocean Star\n", 9383663, 412000001, "OCEAN STAR"},
		{"upper case and prefix", "IMO,NAME\nIMO9383663,OCEAN STAR\n", 9383663, 0, "OCEAN STAR"},
		{"imo colon", "Imo No.,Ship Name\nIMO: 9383663,ocean   star\n", 9383663, 0, "OCEAN STAR"},
		{"tab separated", "vessel_name\tmmsi_number\nOcean-Star\t412000001\n", 0, 412000001, "OCEAN STAR"},
		{"quoted with commas", "name,imo,remarks\n\"OCEAN STAR\",9383663,\"a, b; c\"\n", 9383663, 0, "OCEAN STAR"},
		{"mmsi only", "MMSI\n412000001\n", 0, 412000001, ""},
		{"placeholders for no value", "imo,mmsi,name\nnan,0,OCEAN STAR\n", 0, 0, "OCEAN STAR"},
		{"pandas floats", "imo,mmsi,name\n9383663.0,412000001.0,N/A\n", 9383663, 412000001, "N A"},
		{"dash and N/A", "imo,mmsi\n-,412000001\n", 0, 412000001, ""},
		{"aliases column", "name,aliases\nOcean Star,SEA STAR; Blue Star|\n", 0, 0, "OCEAN STAR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := readWatchlist(strings.NewReader(tt.csv))
			require.NoError(t, err)
			require.Equal(t, 1, w.Len())
			e := w.entries[0]
			assert.Equal(t, tt.imo, e.IMO)
			assert.Equal(t, tt.mmsi, e.MMSI)
			assert.Equal(t, tt.vname, e.Name)
			if tt.imo != 0 {
				_, ok := w.ByIMO(tt.imo)
				assert.True(t, ok)
			}
			if tt.vname != "" {
				_, ok := w.ByName(strings.ToLower(tt.vname))
				assert.True(t, ok)
			}
		})
	}
}

func TestWatchlistAliases(t *testing.T) {
	w, err := readWatchlist(strings.NewReader("name,imo,aliases,remarks\n" +
		"OCEAN STAR,9383663,SEA STAR; Blue-Star|,\"IMO 9383663; a.k.a. 'STAR 1'; f.k.a. 'OLD STAR'; Linked To: X.\"\n" +
		"SEA STAR,9187629,,\n"))
	require.NoError(t, err)
	require.Equal(t, 2, w.Len())
	assert.Equal(t, []string{"SEA STAR", "BLUE STAR", "STAR 1", "OLD STAR"}, w.entries[0].Aliases)
	for _, name := range []string{"ocean star", "Blue Star", "star 1", "OLD-STAR"} {
		e, ok := w.ByName(name)
		require.True(t, ok, name)
		assert.Equal(t, uint32(9383663), e.IMO, name)
	}
	e, ok := w.ByName("sea star")
	require.True(t, ok)
	assert.Equal(t, uint32(9187629), e.IMO, "a vessel's own name wins over another's alias")
	_, ok = w.ByName("LINKED TO X")
	assert.False(t, ok, "remarks text other than quoted names is no alias")
}

func TestReadWatchlistErrors(t *testing.T) {
	tests := []struct {
		name string
		csv  string
		want []string
	}{
		{"empty", "", []string{"empty file", "imo, mmsi or name"}},
		{"no identity column", "ent_num,owner\n1,x\n", []string{"line 1", "no imo, mmsi or name column", "ent_num"}},
		{"broken quote", "name,imo\n\"A,9383663\nB\"x,1\n", []string{"line"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readWatchlist(strings.NewReader(tt.csv))
			require.Error(t, err)
			for _, s := range tt.want {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
}

func TestReadWatchlistSkipsBadCells(t *testing.T) {
	tests := []struct {
		name    string
		csv     string
		entries []WatchEntry
		example string
	}{
		{
			name:    "bad imo, the name still counts",
			csv:     "imo,name\n9383663,A\n12345,B\n",
			entries: []WatchEntry{{IMO: 9383663, Name: "A", Line: 2}, {Name: "B", Line: 3}},
			example: `line 3: imo column: "12345" is not a 7-digit IMO number`,
		},
		{
			name:    "bad mmsi, the row without identity is dropped",
			csv:     "mmsi\n412000001\nabc\n",
			entries: []WatchEntry{{MMSI: 412000001, Line: 2}},
			example: `line 3: mmsi column: "abc" is not an MMSI (up to 9 digits)`,
		},
		{
			name:    "an MMSI in the imo column",
			csv:     "imo,mmsi\n544025572,341960000\n",
			entries: []WatchEntry{{MMSI: 341960000, Line: 2}},
			example: `line 2: imo column: "544025572" is not a 7-digit IMO number`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := readWatchlist(strings.NewReader(tt.csv))
			require.NoError(t, err)
			assert.Equal(t, tt.entries, w.entries)
			n, examples := w.Skipped()
			assert.Equal(t, 1, n)
			assert.Equal(t, []string{tt.example}, examples)
		})
	}

	var b strings.Builder
	b.WriteString("imo\n")
	for range 20 {
		b.WriteString("x\n")
	}
	w, err := readWatchlist(strings.NewReader(b.String()))
	require.NoError(t, err)
	n, examples := w.Skipped()
	assert.Equal(t, 20, n)
	assert.Len(t, examples, maxSkipExamples)
	assert.Equal(t, 0, w.Len())
}

func TestLoadWatchlistErrorNamesFile(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope.csv")
	_, err := LoadWatchlist(missing)
	require.Error(t, err)
	assert.Contains(t, err.Error(), missing)

	bad := filepath.Join(dir, "bad.csv")
	require.NoError(t, os.WriteFile(bad, []byte("owner\nx\n"), 0o644))
	_, err = LoadWatchlist(bad)
	require.Error(t, err)
	assert.Contains(t, err.Error(), bad)
	assert.Contains(t, err.Error(), "no imo, mmsi or name column")
}

func TestNilWatchlist(t *testing.T) {
	var w *Watchlist
	assert.Equal(t, 0, w.Len())
	_, ok := w.ByIMO(9383663)
	assert.False(t, ok)
	_, ok = w.ByMMSI(412000001)
	assert.False(t, ok)
	_, ok = w.ByName("X")
	assert.False(t, ok)
}

func TestNormNameAndFlagCode(t *testing.T) {
	names := map[string]string{
		"Hwang-Gum  San 2.": "HWANG GUM SAN 2",
		"  ST. JOHN'S @@@@": "ST JOHNS",
		"ocean_star":        "OCEAN STAR",
		"@@@@@@@@":          "",
		"Zhè Hǎi 1":         "ZHÈ HǍI 1",
	}
	for in, want := range names {
		assert.Equal(t, want, normName(in), in)
	}
	flags := map[string]string{
		"Democratic People's Republic of Korea": "KP",
		"kp":                                    "KP",
		"St. Kitts & Nevis":                     "KN",
		"Saint Kitts and Nevis":                 "KN",
		"China":                                 "CN",
		"None Identified":                       "",
		"":                                      "",
	}
	for in, want := range flags {
		assert.Equal(t, want, flagCode(in), in)
	}
}
