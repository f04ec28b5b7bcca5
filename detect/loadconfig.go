package detect

import (
	"errors"
	"fmt"
	"io"
	"os"

	"gopkg.in/yaml.v3"
)

// LoadConfig reads a YAML file over DefaultConfig(): keys present override the
// defaults, absent keys keep them, unknown keys are an error (so a typo is not
// silently ignored). Durations are written like "2h" or "10m".
func LoadConfig(path string) (Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	cfg, err := readConfig(f)
	if err != nil {
		return Config{}, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

// readConfig decodes one YAML document over the defaults and checks the rules.
func readConfig(r io.Reader) (Config, error) {
	cfg := DefaultConfig()
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, err
	}
	if err := cfg.Rules.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}
