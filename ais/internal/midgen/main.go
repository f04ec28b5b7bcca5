// Command midgen writes ais/mid_table.go, the MID → ISO 3166 alpha-2 lookup array,
// from the ITU Maritime Identification Digits list (CSV "MID,Allocated_to").
//
// Country names are matched against the English region names of
// golang.org/x/text/language/display (CLDR); names the ITU spells differently are
// listed in overrides. A row "Country - Territory" takes the territory's own
// code when ISO 3166 has one (Hong Kong, Gibraltar, Faroe Islands), else the
// country's (Azores, Alaska). Any name it cannot match stops the generator.
package main

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"go/format"
	"io"
	"log"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// overrides maps normalised ITU names that CLDR spells differently to their code.
var overrides = map[string]string{
	"azores":              "PT",
	"madeira":             "PT",
	"alaska":              "US",
	"vatican city state":  "VA",
	"slovak republic":     "SK",
	"czech republic":      "CZ",
	"republic of türkiye": "TR",
	"russian federation":  "RU",
	"north macedonia":     "MK",
	"united kingdom of great britain and northern ireland": "GB",
	"united states of america":                             "US",
	"bonaire, sint eustatius and saba":                     "BQ",
	"saint kitts and nevis":                                "KN",
	"saint vincent and the grenadines":                     "VC",
	"saint pierre and miquelon":                            "PM",
	"saint helena":                                         "SH",
	"ascension island":                                     "SH",
	"guiana":                                               "GF",
	"reunion":                                              "RE",
	"adelie land":                                          "TF",
	"saint paul and amsterdam islands":                     "TF",
	"crozet archipelago":                                   "TF",
	"kerguelen islands":                                    "TF",
	"pitcairn island":                                      "PN",
	"wallis and futuna islands":                            "WF",
	"cocos islands":                                        "CC",
	"united states virgin islands":                         "VI",
	"korea":                                                "KR",
	"democratic people's republic of korea":                "KP",
	"democratic republic of the congo":                     "CD",
	"congo":                                                "CG",
	"state of palestine":                                   "PS",
	"hong kong":                                            "HK",
	"macao":                                                "MO",
	"myanmar":                                              "MM",
	"kyrgyz republic":                                      "KG",
	"lao people's democratic republic":                     "LA",
	"syrian arab republic":                                 "SY",
	"viet nam":                                             "VN",
	"brunei darussalam":                                    "BN",
	"argentine republic":                                   "AR",
	"gabonese republic":                                    "GA",
	"togolese republic":                                    "TG",
	"cabo verde":                                           "CV",
	"eswatini":                                             "SZ",
	"sao tome and principe":                                "ST",
}

// shared picks the code for a MID the list allocates to several territories.
var shared = map[int]string{
	306: "CW", // Bonaire/Sint Eustatius/Saba, Curaçao, Sint Maarten: Curaçao keeps the former Netherlands Antilles register
}

var parenthetical = regexp.MustCompile(`\s*\([^)]*\)`)

func main() {
	in := flag.String("in", "", "ITU MID list (CSV MID,Allocated_to)")
	out := flag.String("out", "mid_table.go", "Go file to write")
	flag.Parse()
	f, err := os.Open(*in)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	table, err := build(f, *in)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, table, 0o644); err != nil {
		log.Fatal(err)
	}
}

// build reads the list and returns the formatted Go source of the table.
func build(r io.Reader, name string) ([]byte, error) {
	byName := cldrNames()
	codes := map[int]string{}
	cr := csv.NewReader(r)
	if _, err := cr.Read(); err != nil {
		return nil, fmt.Errorf("%s: header: %w", name, err)
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		mid, err := strconv.Atoi(rec[0])
		if err != nil || mid < 200 || mid > 799 {
			return nil, fmt.Errorf("%s:%d: bad MID %q", name, line, rec[0])
		}
		code, ok := lookup(rec[1], byName)
		if !ok {
			return nil, fmt.Errorf("%s:%d: no ISO 3166 code for %q", name, line, rec[1])
		}
		if prev, dup := codes[mid]; dup && prev != code {
			pick, ok := shared[mid]
			if !ok {
				return nil, fmt.Errorf("%s:%d: MID %d listed as %s and %s; add it to shared", name, line, mid, prev, code)
			}
			code = pick
		}
		codes[mid] = code
	}
	mids := make([]int, 0, len(codes))
	for mid := range codes {
		mids = append(mids, mid)
	}
	sort.Ints(mids)
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by ais/internal/midgen from %s; DO NOT EDIT.\n\n", "itu_mid.csv")
	b.WriteString("package ais\n\n")
	b.WriteString("// midFlag maps a Maritime Identification Digits number to its ISO 3166 alpha-2 code; \"\" is unallocated.\n")
	b.WriteString("var midFlag = [1000]string{\n")
	for _, mid := range mids {
		fmt.Fprintf(&b, "\t%d: %q,\n", mid, codes[mid])
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}

// lookup finds the code of an ITU name: the territory after " - " first, then the country.
func lookup(itu string, byName map[string]string) (string, bool) {
	parts := strings.SplitN(itu, " - ", 2)
	for i := len(parts) - 1; i >= 0; i-- {
		n := normalise(parts[i])
		if code, ok := overrides[n]; ok {
			return code, true
		}
		if code, ok := byName[n]; ok {
			return code, true
		}
	}
	return "", false
}

// normalise lower-cases a name, drops parenthetical remarks and unifies "&", "St." and apostrophes.
func normalise(s string) string {
	s = parenthetical.ReplaceAllString(s, "")
	s = strings.NewReplacer("&", "and", "St. ", "Saint ", "’", "'").Replace(s)
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// cldrNames maps the normalised English name of every ISO 3166 region to its code.
func cldrNames() map[string]string {
	names := display.English.Regions()
	m := map[string]string{}
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			if err != nil || !r.IsCountry() || r.Canonicalize().String() != code {
				continue
			}
			if n := names.Name(r); n != "" {
				m[normalise(n)] = code
			}
		}
	}
	return m
}
