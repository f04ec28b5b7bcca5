package geo_test

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/stswatch/stswatch/geo"
)

func ExampleDistanceM() {
	// Two ships either side of the antimeridian.
	fmt.Printf("%.0f m\n", geo.DistanceM(0, 179.99, 0, -179.99))
	// Output: 2224 m
}

func ExampleGrid_Pairs() {
	g := geo.NewGrid(500)
	g.Insert(1, 38.7000, 124.2000) // a DPRK tanker
	g.Insert(2, 38.7020, 124.2010) // a barge alongside, ~239 m away
	g.Insert(3, 38.7200, 124.2000) // ~2.2 km away
	g.Insert(4, 0, 179.999)        // a pair across the antimeridian
	g.Insert(5, 0, -179.999)
	g.Pairs(500, func(a, b int32, distM float64) {
		fmt.Printf("%d-%d %.0f m\n", a, b, distM)
	})
	// Output:
	// 4-5 222 m
	// 1-2 239 m
}

func ExampleSplitAntimeridian() {
	track := orb.LineString{{179.5, 10}, {-179.5, 11}}
	fmt.Println(geo.SplitAntimeridian(track))
	// Output: [[[179.5 10] [180 10.5]] [[-180 10.5] [-179.5 11]]]
}
