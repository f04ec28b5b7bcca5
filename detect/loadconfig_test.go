package detect

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

const examplePath = "../testdata/rules.example.yaml"

// TestLoadConfigExampleIsDefaults keeps the documented example in step with
// DefaultConfig: it loads to exactly the defaults and names every key.
func TestLoadConfigExampleIsDefaults(t *testing.T) {
	cfg, err := LoadConfig(examplePath)
	require.NoError(t, err)
	assert.Equal(t, DefaultConfig(), cfg)

	raw, err := os.ReadFile(examplePath)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal(raw, &doc))
	var inFile []string
	flattenKeys("", doc, &inFile)
	var inType []string
	yamlKeys("", reflect.TypeOf(Config{}), &inType)
	slices.Sort(inFile)
	slices.Sort(inType)
	assert.Equal(t, inType, inFile)
	assert.Contains(t, inType, "rules.weights.dark_before", "the walk reaches nested keys")
}

// flattenKeys lists the dotted paths of the leaves of a decoded YAML mapping.
func flattenKeys(prefix string, m map[string]any, out *[]string) {
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			flattenKeys(prefix+k+".", sub, out)
			continue
		}
		*out = append(*out, prefix+k)
	}
}

// yamlKeys lists the dotted yaml paths of a struct type's leaf fields.
func yamlKeys(prefix string, t reflect.Type, out *[]string) {
	for f := range t.Fields() {
		key := strings.Split(f.Tag.Get("yaml"), ",")[0]
		if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeOf(time.Time{}) {
			yamlKeys(prefix+key+".", f.Type, out)
			continue
		}
		*out = append(*out, prefix+key)
	}
}

func TestLoadConfigOverrides(t *testing.T) {
	cfg, err := LoadConfig("testdata/config_override.yaml")
	require.NoError(t, err)

	want := DefaultConfig()
	want.Encounter.MinDuration = 30 * time.Minute
	want.Encounter.MaxDistanceM = 300
	want.Rules.SourceFlags = []string{"KP", "IR"}
	want.Rules.BargeLike.MaxLengthM = 80
	want.Rules.Weights.DarkBefore = 0.6
	assert.Equal(t, want, cfg)
	// the overrides really differ from the defaults
	assert.NotEqual(t, DefaultConfig(), cfg)
}

func TestReadConfig(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		check   func(t *testing.T, c Config)
		wantErr []string
	}{
		{
			name:  "empty file keeps the defaults",
			yaml:  "",
			check: func(t *testing.T, c Config) { assert.Equal(t, DefaultConfig(), c) },
		},
		{
			name:  "comments only keep the defaults",
			yaml:  "# nothing\n",
			check: func(t *testing.T, c Config) { assert.Equal(t, DefaultConfig(), c) },
		},
		{
			name: "a list replaces the default list",
			yaml: "rules:\n  counterpart_flags: [HK]\n  barge_like:\n    ship_types: [31, 52]\n",
			check: func(t *testing.T, c Config) {
				assert.Equal(t, []string{"HK"}, c.Rules.CounterpartFlags)
				assert.Equal(t, []int{31, 52}, c.Rules.BargeLike.ShipTypes)
				assert.Equal(t, []string{"KP"}, c.Rules.SourceFlags)
			},
		},
		{
			name: "durations and booleans",
			yaml: "track:\n  lateness: 90s\nloitering:\n  away_from_ports: false\n  min_duration: 1h30m\n",
			check: func(t *testing.T, c Config) {
				assert.Equal(t, 90*time.Second, c.Track.Lateness)
				assert.False(t, c.Loiter.AwayFromPorts)
				assert.Equal(t, 90*time.Minute, c.Loiter.MinDuration)
				assert.Equal(t, 2.0, c.Loiter.MaxSpeedKn)
			},
		},
		{
			name: "turning the watch-list alert off",
			yaml: "rules:\n  watchlist_alert: false\n",
			check: func(t *testing.T, c Config) {
				assert.False(t, c.Rules.WatchlistAlert)
				assert.True(t, c.Rules.WatchlistIsSource)
			},
		},
		{name: "unknown top-level key", yaml: "encouter:\n  min_duration: 1h\n", wantErr: []string{"line 1", "encouter"}},
		{name: "unknown nested key", yaml: "rules:\n  weights:\n    darkbefore: 0.5\n", wantErr: []string{"line 3", "darkbefore"}},
		{name: "bad duration", yaml: "encounter:\n  min_duration: 2 hours\n", wantErr: []string{"line 2", "2 hours"}},
		{name: "wrong type", yaml: "rules:\n  source_flags: KP\n", wantErr: []string{"line 2"}},
		{name: "weight out of range", yaml: "rules:\n  weights:\n    zone: 2\n", wantErr: []string{"rules.weights.zone"}},
		{name: "NaN weight", yaml: "rules:\n  weights:\n    base: .nan\n", wantErr: []string{"rules.weights.base"}},
		{name: "NaN length", yaml: "rules:\n  barge_like:\n    max_length_m: .nan\n", wantErr: []string{"max_length_m"}},
		{name: "bad flag", yaml: "rules:\n  source_flags: [dprk]\n", wantErr: []string{`"dprk"`}},
		{name: "not YAML", yaml: "rules: [\n", wantErr: []string{"yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := readConfig(strings.NewReader(tt.yaml))
			if tt.wantErr != nil {
				require.Error(t, err)
				for _, s := range tt.wantErr {
					assert.Contains(t, err.Error(), s)
				}
				return
			}
			require.NoError(t, err)
			tt.check(t, c)
		})
	}
}

func TestLoadConfigErrorNamesFile(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "none.yaml")
	_, err := LoadConfig(missing)
	require.Error(t, err)
	assert.Contains(t, err.Error(), missing)

	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("gap:\n  min_duraton: 1h\n"), 0o644))
	_, err = LoadConfig(bad)
	require.Error(t, err)
	assert.Contains(t, err.Error(), bad)
	assert.Contains(t, err.Error(), "min_duraton")
}
