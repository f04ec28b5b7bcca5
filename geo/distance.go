package geo

import "math"

// EarthRadiusM is the IUGG mean Earth radius R1 = (2a+b)/3 of WGS 84 in metres, the
// usual sphere for haversine; against the ellipsoid its distances are off by at most ~0.5 %.
const EarthRadiusM = 6371008.8

// radPerDeg converts degrees to radians.
const radPerDeg = math.Pi / 180

// MetresPerDegLat is the length in metres of one degree of latitude on the mean sphere.
const MetresPerDegLat = EarthRadiusM * radPerDeg

// DistanceM is the great-circle distance in metres between two points in degrees,
// by the haversine formula on the mean Earth radius EarthRadiusM; it does not allocate
// and handles the antimeridian and the poles without special cases.
func DistanceM(lat1Deg, lon1Deg, lat2Deg, lon2Deg float64) float64 {
	return distanceCos(lat1Deg, lon1Deg, math.Cos(lat1Deg*radPerDeg), lat2Deg, lon2Deg, math.Cos(lat2Deg*radPerDeg))
}

// distanceCos is DistanceM with the cosines of both latitudes given, so the grid can
// cache them per point; it returns exactly what DistanceM returns for the same points.
func distanceCos(lat1Deg, lon1Deg, cos1, lat2Deg, lon2Deg, cos2 float64) float64 {
	h := haversine(lat1Deg, lon1Deg, cos1, lat2Deg, lon2Deg, cos2)
	return 2 * EarthRadiusM * math.Asin(math.Sqrt(h))
}

// haversine is hav(central angle) = sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2), clamped to [0, 1].
func haversine(lat1Deg, lon1Deg, cos1, lat2Deg, lon2Deg, cos2 float64) float64 {
	sDLat := math.Sin((lat2Deg - lat1Deg) * radPerDeg / 2)
	sDLon := math.Sin((lon2Deg - lon1Deg) * radPerDeg / 2)
	h := sDLat*sDLat + cos1*cos2*sDLon*sDLon
	if h > 1 {
		h = 1
	}
	return h
}
