package ais

import (
	"encoding/csv"
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestKindOf(t *testing.T) {
	tests := []struct {
		mmsi uint32
		want MMSIKind
	}{
		{445123456, MMSIShip},
		{235070762, MMSIShip},
		{775000001, MMSIShip},
		{2442000, MMSICoast},  // 002442000
		{4450001, MMSICoast},  // 004450001
		{24412345, MMSIGroup}, // 024412345
		{111232506, MMSISARAircraft},
		{992351234, MMSIAtoN},
		{982351234, MMSICraftAssociated},
		{970123456, MMSISART},
		{972123456, MMSIMOB},
		{974123456, MMSIEPIRB},
		{0, MMSIInvalid},
		{123456789, MMSIInvalid}, // region 1 only for 111MID
		{111123456, MMSIInvalid}, // 111 then MID starting 1
		{812345678, MMSIInvalid}, // 8: handheld VHF, not AIS
		{971123456, MMSIInvalid},
		{1234567890, MMSIInvalid}, // ten digits
		{1234567, MMSIInvalid},    // 001234567: MID starting 1
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(int(tt.mmsi)), func(t *testing.T) {
			assert.Equal(t, tt.want, KindOf(tt.mmsi))
		})
	}
}

func TestFlag(t *testing.T) {
	tests := []struct {
		mmsi uint32
		want string
	}{
		{445123456, "KP"},
		{412000001, "CN"},
		{413000001, "CN"},
		{414000001, "CN"},
		{477123456, "HK"},
		{453123456, "MO"},
		{416000001, "TW"},
		{236000001, "GI"},
		{351000001, "PA"},
		{538000001, "MH"},
		{636000001, "LR"},
		{273000001, "RU"},
		{226000001, "FR"},
		{550000001, "TL"},
		{306000001, "CW"}, // MID shared by BQ, CW and SX: the generator's documented pick
		{204000001, "PT"}, // Azores: no code of its own
		{303000001, "US"}, // Alaska
		{4450001, "KP"},   // coast station 00MID
		{44512345, "KP"},  // group 0MID
		{111445123, "KP"}, // SAR aircraft
		{994451234, "KP"}, // AtoN
		{984451234, "KP"}, // craft associated
		{970123456, ""},   // SART: no MID
		{200000001, ""},   // unallocated MID
		{800000000, ""},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(int(tt.mmsi)), func(t *testing.T) {
			assert.Equal(t, tt.want, Flag(tt.mmsi))
		})
	}
}

// TestFlagCompleteITU checks every row of the ITU MID list has a flag in every MMSI form,
// and that the table holds no MID the list lacks.
func TestFlagCompleteITU(t *testing.T) {
	f, err := os.Open(dataFile(t, "reference/itu_mid.csv"))
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.Equal(t, []string{"MID", "Allocated_to"}, rows[0])
	listed := map[uint32]bool{}
	for _, row := range rows[1:] {
		mid64, err := strconv.ParseUint(row[0], 10, 32)
		require.NoError(t, err, row)
		mid := uint32(mid64)
		listed[mid] = true
		flag := Flag(mid * 1_000_000)
		assert.Len(t, flag, 2, "MID %d %s", mid, row[1])
		for _, mmsi := range []uint32{mid*1_000_000 + 999_999, mid * 10_000, mid*100_000 + 1, 111_000_000 + mid*1000, 990_000_000 + mid*10_000, 980_000_000 + mid*10_000} {
			assert.Equal(t, flag, Flag(mmsi), "MMSI %09d (MID %d)", mmsi, mid)
		}
	}
	assert.Len(t, listed, 292)
	for mid, code := range midFlag {
		assert.Equal(t, listed[uint32(mid)], code != "", "MID %d in table as %q", mid, code)
	}
}

func TestValidIMO(t *testing.T) {
	tests := []struct {
		imo  uint32
		want bool
	}{
		{9383663, true}, // libais type 5 example
		{9074729, true},
		{7406784, true}, // OFAC SDN row EBANO
		{9398955, true}, // Mediterranean bunker barge
		{9383664, false},
		{9074720, false},
		{9383636, false}, // transposed digits
		{0, false},
		{999999, false},   // six digits
		{10000000, false}, // eight digits
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(int(tt.imo)), func(t *testing.T) {
			assert.Equal(t, tt.want, ValidIMO(tt.imo))
		})
	}
}
