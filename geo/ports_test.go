package geo

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sharedRef is the reference-data folder of ../shared/data seen from this package.
const sharedRef = "../../shared/data/reference"

// refPath returns the path of a reference file, or skips the test when the shared data is absent.
func refPath(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(sharedRef, name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("../shared/data absent: %v", err)
	}
	return p
}

// writeFile writes data to name in a fresh temporary folder and returns its path.
func writeFile(t *testing.T, name, data string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(data), 0o600))
	return p
}

// nearestM is the naive reference: the distance to the nearest port point.
func nearestM(p *Ports, latDeg, lonDeg float64) float64 {
	best := 1e300
	for _, q := range p.points.pts {
		best = min(best, DistanceM(latDeg, lonDeg, q.lat, q.lon))
	}
	return best
}

func TestLoadPortsReferenceFiles(t *testing.T) {
	tests := []struct {
		file             string
		minLen           int
		bad              int
		portLat, portLon float64 // a listed port or anchorage
	}{
		// World Port Index: "Latitude"/"Longitude" among ~100 columns; first row is Maurer, NJ.
		{"world_port_index_pub150.csv", 3700, 0, 40.533333, -74.25},
		// GFW named anchorages: "latitude"/"longitude"; first row is TONGYEONG; one row
		// (POINTE NOIRE) has longitude 1001.
		{"gfw_anchorage_overrides.csv", 60000, 1, 34.839059469352883, 128.42069569869318},
		{"gfw_WPI_ports.csv", 3600, 0, 48.4, -89.233333},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			p, err := LoadPorts(refPath(t, tt.file))
			require.NoError(t, err)
			assert.GreaterOrEqual(t, p.Len(), tt.minLen)
			assert.Equal(t, tt.bad, p.BadRows(), "bad rows: %v", p.BadExamples())
			assert.True(t, p.Within(tt.portLat, tt.portLon, 0), "the port itself")
			assert.True(t, p.Within(tt.portLat+0.08, tt.portLon, 10_000), "8.9 km north of it")
			assert.False(t, p.Within(-40, -130, 10_000), "the middle of the South Pacific")

			// Within agrees with the naive nearest distance around random ports.
			r := rand.New(rand.NewPCG(9, 9))
			for range 60 {
				q := p.points.pts[r.IntN(len(p.points.pts))]
				lat, lon := q.lat+(r.Float64()-0.5)*0.4, q.lon+(r.Float64()-0.5)*0.4
				lat = max(-90, min(90, lat))
				lon = max(-180, min(180, lon))
				d := nearestM(p, lat, lon)
				for _, radiusM := range []float64{1000, 10_000, d} {
					assert.Equal(t, d <= radiusM, p.Within(lat, lon, radiusM), "%v,%v within %v (nearest %v)", lat, lon, radiusM, d)
				}
			}
		})
	}
}

func TestLoadPortsCSVHeaders(t *testing.T) {
	tests := []struct {
		name, data   string
		wantLen, bad int
		wantErr      string
	}{
		{"Latitude Longitude", "Port,Latitude,Longitude\nA,38.7,125.4\n", 1, 0, ""},
		{"lat lng with BOM and spaces", "\ufeff lat ,lng\n38.7, 125.4\n38.8,125.5\n", 2, 0, ""},
		{"LAT LON upper case", "LAT,LON\n-16.8,179.9\n", 1, 0, ""},
		{"semicolons are not separators", "lat;lon\n1;2\n", 0, 0, "no latitude/longitude columns"},
		{"lon before lat", "name,lon,lat\nA,125.4,38.7\n", 1, 0, ""},
		{"bad rows counted", "lat,lon\n38.7,125.4\nx,1\n95,0\n,\n1,200\n\"broken,1\n2\n", 1, 5, ""},
		{"only bad rows", "lat,lon\nx,y\n", 0, 0, "no usable position (1 bad rows); first: "},
		{"no coordinate columns", "name,country\nNampo,KP\n", 0, 0, `the header has ["name" "country"]`},
		{"empty", "", 0, 0, "reading the header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "ports.csv", tt.data)
			p, err := LoadPorts(path)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				assert.ErrorContains(t, err, path, "the error names the file")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantLen, p.Len())
			assert.Equal(t, tt.bad, p.BadRows())
		})
	}
}

func TestLoadPortsBadRowsByReason(t *testing.T) {
	path := writeFile(t, "ports.csv", "lat,lon\n38.7,125.4\nx,1\n95,0\n1,200\n7\n\"a\"b,1\n")
	p, err := LoadPorts(path)
	require.NoError(t, err)
	assert.Equal(t, 1, p.Len())
	assert.Equal(t, map[string]int{"bad-number": 1, "out-of-range": 2, "short-row": 1, "csv-syntax": 1}, p.BadReasons())
	assert.Equal(t, []string{path + ":3: bad-number", path + ":4: out-of-range", path + ":5: out-of-range"}, p.BadExamples())

	p, err = LoadPorts("testdata/ports.geojson")
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"unsupported-geometry LineString": 1, "out-of-range": 1, "no-geometry": 1}, p.BadReasons())
	assert.Equal(t, "testdata/ports.geojson: feature 5: unsupported-geometry LineString", p.BadExamples()[0])
}

func TestLoadPortsMissingFile(t *testing.T) {
	_, err := LoadPorts(filepath.Join(t.TempDir(), "nope.csv"))
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestLoadPortsGeoJSON(t *testing.T) {
	p, err := LoadPorts("testdata/ports.geojson")
	require.NoError(t, err)
	assert.Equal(t, 5, p.Len(), "3 points and 2 polygons")
	assert.Equal(t, 3, p.BadRows(), "a LineString, a point off the map, a null geometry")

	tests := []struct {
		name         string
		lat, lon, dM float64
		want         bool
	}{
		{"at Nampo", 38.72, 125.38, 100, true},
		{"9 km from Nampo", 38.80, 125.38, 10_000, true},
		{"11 km from Nampo", 38.82, 125.38, 10_000, false},
		{"second point of the MultiPoint", 38.95, 121.80, 10, true},
		{"inside the polygon, radius 0", 34.75, 119.45, 0, true},
		{"5.5 km south of the polygon", 34.65, 119.45, 10_000, true},
		{"5.5 km south of the polygon, radius 5 km", 34.65, 119.45, 5_000, false},
		{"inside the polygon across the dateline, east side", -16.8, -179.95, 0, true},
		{"inside the polygon across the dateline, west side", -16.8, 179.95, 0, true},
		{"near the dateline polygon from the east", -16.8, -179.85, 6_000, true},
		{"far from the dateline polygon", -16.8, 179.0, 10_000, false},
		{"on the channel line, not a port", 35.05, 120.05, 1000, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, p.Within(tt.lat, tt.lon, tt.dM))
		})
	}
	var nilPorts *Ports
	assert.False(t, nilPorts.Within(38.72, 125.38, 1e6), "no ports file excludes nothing")
}

func TestLoadPortsBadGeoJSON(t *testing.T) {
	for name, data := range map[string]string{
		"not json":     `{"type": "FeatureCollection", "features": [`,
		"no type":      `{"features": []}`,
		"no positions": `{"type": "FeatureCollection", "features": []}`,
		"bad geometry": `{"type": "Feature", "geometry": {"type": "Point", "coordinates": "x"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			path := writeFile(t, "ports.geojson", data)
			_, err := LoadPorts(path)
			require.Error(t, err)
			assert.ErrorContains(t, err, path)
		})
	}
}

func TestPortsWithinNoAlloc(t *testing.T) {
	p, err := LoadPorts("testdata/ports.geojson")
	require.NoError(t, err)
	allocs := testing.AllocsPerRun(100, func() {
		p.Within(38.75, 125.38, 10_000)
		p.Within(34.65, 119.45, 10_000)
		p.Within(0, 0, 10_000)
	})
	assert.Zero(t, allocs)
}

// FuzzPortsCSV checks that no CSV makes the loader panic and that every position
// it keeps is within 0 m of itself.
func FuzzPortsCSV(f *testing.F) {
	f.Add([]byte("s2id,latitude,longitude,label,sublabel,iso3\n356ec741,34.839059469352883,128.42069569869318,TONGYEONG,,KOR\n"))
	f.Add([]byte("iso3,label,sublabel,latitude,longitude\nCAN,THUNDER BAY,,48.4,-89.233333\n"))
	f.Add([]byte("lat,lon\n\"1\",\"2\"\n-90,180\n90,-180\nNaN,1\n1e400,2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := &Ports{points: NewGrid(portCellM)}
		if err := p.addCSV("fuzz.csv", bytes.NewReader(data)); err != nil {
			return
		}
		for _, q := range p.points.pts {
			if !p.Within(q.lat, q.lon, 0) {
				t.Fatalf("loaded point %v,%v is not within 0 m of itself", q.lat, q.lon)
			}
		}
	})
}

// FuzzPortsGeoJSON checks that no GeoJSON makes the loader or Within panic.
func FuzzPortsGeoJSON(f *testing.F) {
	data, err := os.ReadFile("testdata/ports.geojson")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`{"type":"Polygon","coordinates":[[[0,0],[1,0]],[[0,0]]]}`))
	f.Add([]byte(`{"type":"MultiPolygon","coordinates":[[]]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := &Ports{points: NewGrid(portCellM)}
		if err := p.addGeoJSON("fuzz.geojson", data); err != nil {
			return
		}
		for _, q := range p.points.pts {
			if !p.Within(q.lat, q.lon, 0) {
				t.Fatalf("loaded point %v,%v is not within 0 m of itself", q.lat, q.lon)
			}
		}
		p.Within(0, 0, 1000)
	})
}

// BenchmarkPortsWithin measures one exclusion test against the 60 k GFW anchorages,
// against the naive scan of every anchorage as baseline (timed in the same run).
func BenchmarkPortsWithin(b *testing.B) {
	p, err := LoadPorts(refPath(b, "gfw_anchorage_overrides.csv"))
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 1))
	queries := make([][2]float64, 1024)
	for i := range queries { // half near anchorages, half anywhere
		if i%2 == 0 {
			q := p.points.pts[r.IntN(len(p.points.pts))]
			queries[i] = [2]float64{max(-90, min(90, q.lat+(r.Float64()-0.5)*0.3)), max(-180, min(180, q.lon+(r.Float64()-0.5)*0.3))}
		} else {
			queries[i] = [2]float64{r.Float64()*140 - 70, r.Float64()*360 - 180}
		}
	}
	start := time.Now()
	for _, q := range queries[:200] {
		_ = nearestM(p, q[0], q[1]) <= 10_000
	}
	naiveNs := float64(time.Since(start).Nanoseconds()) / 200
	b.ResetTimer()
	hits := 0
	for i := 0; b.Loop(); i++ {
		q := queries[i%len(queries)]
		if p.Within(q[0], q[1], 10_000) {
			hits++
		}
	}
	if hits == 0 {
		b.Fatal("no query near an anchorage")
	}
	b.ReportMetric(naiveNs, "baseline-ns/op")
	b.ReportMetric(naiveNs/(float64(b.Elapsed().Nanoseconds())/float64(b.N)), "x-vs-naive")
}
