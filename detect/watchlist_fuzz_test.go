package detect

import (
	"strings"
	"testing"
)

// FuzzReadWatchlist feeds arbitrary CSV to the watch list reader: it must
// return an error or a list whose entries are well-formed and found again.
func FuzzReadWatchlist(f *testing.F) {
	for _, s := range []string{
		"ent_num,name,program,call_sign,vessel_type,tonnage,grt,flag,owner,imo,mmsi,remarks\n" +
			"4243,EBANO,CUBA,,General Cargo,2595,1865,Panama,,7406784,,Vessel Registration Identification IMO 7406784; f.k.a. 'ANA I'; f.k.a. 'SAND SWAN'.\n" +
			"15036,ARTAVIL,IRAN,T2EU4,Crude/Oil Products Tanker,\"99,144\",\"56,068\",Iran,,9187629,572469210,MMSI 572469210\n",
		"\ufeffIMO number;Vessel_Name;MMSI;Flag State;List\nIMO 9383663;Hwang-Gum  San 2.;;North Korea;UN1718\n",
		"vessel_name\tmmsi_number\nOcean-Star\t412000001\n",
		"imo\n12345\n",
		"name,imo\n\"A,9383663\nB\"x,1\n",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		w, err := readWatchlist(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, e := range w.entries {
			if e.IMO != 0 && (e.IMO < 1000000 || e.IMO > 9999999) {
				t.Fatalf("IMO %d is not 7 digits", e.IMO)
			}
			if e.MMSI > 999999999 {
				t.Fatalf("MMSI %d has more than 9 digits", e.MMSI)
			}
			if e.IMO == 0 && e.MMSI == 0 && e.Name == "" {
				t.Fatalf("entry without identity kept: %+v", e)
			}
			if normName(e.Name) != e.Name {
				t.Fatalf("name %q is not normalised", e.Name)
			}
			if got, ok := w.ByIMO(e.IMO); e.IMO != 0 && (!ok || got.IMO != e.IMO) {
				t.Fatalf("IMO %d not found again", e.IMO)
			}
			if got, ok := w.ByName(e.Name); e.Name != "" && (!ok || got.Name != e.Name) {
				t.Fatalf("name %q not found again", e.Name)
			}
		}
	})
}
