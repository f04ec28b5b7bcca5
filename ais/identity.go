package ais

// MMSIKind classifies an MMSI by its digit pattern (ITU-R M.585).
type MMSIKind uint8

// The MMSI kinds.
const (
	MMSIInvalid         MMSIKind = iota
	MMSIShip                     // MIDxxxxxx
	MMSICoast                    // 00MIDxxxx
	MMSIGroup                    // 0MIDxxxxx
	MMSISARAircraft              // 111MIDxxx
	MMSIAtoN                     // 99MIDxxxx
	MMSICraftAssociated          // 98MIDxxxx
	MMSISART                     // 970xxxxxx
	MMSIMOB                      // 972xxxxxx
	MMSIEPIRB                    // 974xxxxxx
)

// KindOf classifies an MMSI by its nine digits; MIDs must start with 2-7.
func KindOf(mmsi uint32) MMSIKind {
	if mmsi >= 1_000_000_000 {
		return MMSIInvalid
	}
	d0 := mmsi / 100_000_000
	d1 := mmsi / 10_000_000 % 10
	d2 := mmsi / 1_000_000 % 10
	switch {
	case d0 >= 2 && d0 <= 7:
		return MMSIShip
	case d0 == 0 && d1 == 0 && isMIDStart(d2):
		return MMSICoast
	case d0 == 0 && isMIDStart(d1):
		return MMSIGroup
	case mmsi/1_000_000 == 111 && isMIDStart(mmsi/100_000%10):
		return MMSISARAircraft
	case d0 == 9 && d1 == 9 && isMIDStart(d2):
		return MMSIAtoN
	case d0 == 9 && d1 == 8 && isMIDStart(d2):
		return MMSICraftAssociated
	case mmsi/1_000_000 == 970:
		return MMSISART
	case mmsi/1_000_000 == 972:
		return MMSIMOB
	case mmsi/1_000_000 == 974:
		return MMSIEPIRB
	}
	return MMSIInvalid
}

// isMIDStart reports whether d can be the first digit of a MID (a region 2-7).
func isMIDStart(d uint32) bool { return d >= 2 && d <= 7 }

// ValidIMO reports whether a 7-digit IMO number passes its check digit: the
// first six digits weighted 7..2 sum to a number whose last digit is the seventh.
func ValidIMO(imo uint32) bool {
	if imo < 1_000_000 || imo > 9_999_999 {
		return false
	}
	check := imo % 10
	sum := uint32(0)
	for w, n := uint32(2), imo/10; n > 0; w, n = w+1, n/10 {
		sum += n % 10 * w
	}
	return sum%10 == check
}
