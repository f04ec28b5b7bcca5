package detect

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// FuzzReadConfig feeds arbitrary YAML to the config reader: it must return an
// error or rules that survive a YAML round trip unchanged.
func FuzzReadConfig(f *testing.F) {
	for _, path := range []string{"../testdata/rules.example.yaml", "testdata/config_override.yaml"} {
		if b, err := os.ReadFile(path); err == nil {
			f.Add(string(b))
		}
	}
	f.Add("rules:\n  weights:\n    zone: 2\n")
	f.Add("encounter:\n  min_duration: 2 hours\n")
	f.Add("rules: [\n")
	f.Fuzz(func(t *testing.T, in string) {
		cfg, err := readConfig(strings.NewReader(in))
		if err != nil {
			return
		}
		out, err := yaml.Marshal(cfg)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		again, err := readConfig(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("own output rejected: %v\n%s", err, out)
		}
		a, _ := yaml.Marshal(cfg.Rules)
		b, _ := yaml.Marshal(again.Rules)
		if !bytes.Equal(a, b) {
			t.Fatalf("rules changed in a round trip:\n%s\n%s", a, b)
		}
	})
}
