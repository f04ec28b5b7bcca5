package radix

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSortIsStableAndOrdered(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name string
		n    int
		key  func() uint64
	}{
		{"empty", 0, rng.Uint64},
		{"one", 1, rng.Uint64},
		{"full 64 bits", 5000, rng.Uint64},
		{"few distinct keys", 5000, func() uint64 { return uint64(rng.IntN(7)) << 40 }},
		{"MMSIs", 5000, func() uint64 { return uint64(200_000_000 + rng.IntN(600_000_000)) }},
		{"all equal", 300, func() uint64 { return 42 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			keys := make([]Key, tc.n)
			for i := range keys {
				keys[i] = Key{Key: tc.key(), Idx: int32(i)}
			}
			want := slices.Clone(keys)
			slices.SortStableFunc(want, func(a, b Key) int {
				switch {
				case a.Key < b.Key:
					return -1
				case a.Key > b.Key:
					return 1
				}
				return 0
			})
			got := Sort(keys, make([]Key, tc.n))
			assert.Equal(t, want, got)
		})
	}
}
