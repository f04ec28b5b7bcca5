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

// Flag returns the ISO 3166 alpha-2 code of the country whose MID the MMSI
// carries ("KP" for 445), or "" when the MID is unallocated or the MMSI has none.
func Flag(mmsi uint32) string { panic("ais.Flag: not implemented yet") }

// KindOf classifies an MMSI.
func KindOf(mmsi uint32) MMSIKind { panic("ais.KindOf: not implemented yet") }

// ValidIMO reports whether a 7-digit IMO number passes its check digit.
func ValidIMO(imo uint32) bool { panic("ais.ValidIMO: not implemented yet") }
