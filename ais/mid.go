package ais

//go:generate go run ./internal/midgen -in ../../shared/data/reference/itu_mid.csv -out mid_table.go

// Flag returns the ISO 3166 alpha-2 code of the country whose MID the MMSI
// carries ("KP" for 445), or "" when the MID is unallocated or the MMSI has none.
// Ship (MIDxxxxxx), coast (00MIDxxxx), group (0MIDxxxxx), SAR aircraft (111MIDxxx),
// AtoN (99MIDxxxx) and craft-associated (98MIDxxxx) numbers carry a MID.
func Flag(mmsi uint32) string {
	if mid := midOf(mmsi); mid > 0 {
		return midFlag[mid]
	}
	return ""
}

// midOf returns the three MID digits of an MMSI, or 0 when its kind has none.
func midOf(mmsi uint32) uint32 {
	switch KindOf(mmsi) {
	case MMSIShip:
		return mmsi / 1_000_000
	case MMSIGroup:
		return mmsi / 100_000
	case MMSICoast, MMSIAtoN, MMSICraftAssociated:
		return mmsi / 10_000 % 1000
	case MMSISARAircraft:
		return mmsi / 1000 % 1000
	}
	return 0
}
