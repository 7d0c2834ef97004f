// The catalogue's place suggestions and maps. Progressive enhancement: without this file the
// search form and the result table work as they are. No tile server: the maps draw the vendored
// outlines of the provinces (Natural Earth) and the points from a JSON endpoint.
document.addEventListener("DOMContentLoaded", () => {
  // Place suggestions for the "near" field (a <datalist> filled from the gazetteer).
  document.querySelectorAll("input[data-places]").forEach((input) => {
    const list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    let timer = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const q = input.value.trim();
      if (q.length < 2) return;
      timer = setTimeout(async () => {
        const response = await fetch(`/aanbod/plaatsen.json?q=${encodeURIComponent(q)}`);
        if (!response.ok) return;
        const data = await response.json();
        list.replaceChildren(
          ...data.places.map((place) => {
            const option = document.createElement("option");
            option.value = place.name;
            return option;
          }),
        );
      }, 200);
    });
  });

  if (typeof L === "undefined") return;

  const baseMap = async (element) => {
    element.hidden = false;
    // No tile layer, so the zoom range is ours to set (the cluster layer needs a maximum).
    const map = L.map(element, { zoomSnap: 0.25, minZoom: 6, maxZoom: 14, attributionControl: true });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Natural Earth");
    map.fitBounds([
      [50.75, 3.36],
      [53.55, 7.23],
    ]);
    try {
      const outline = await (await fetch(element.dataset.outline)).json();
      L.geoJSON(outline, {
        style: { color: "#6b7280", weight: 1, fillColor: "#eef2f7", fillOpacity: 1 },
        interactive: false,
      }).addTo(map);
    } catch (error) {
      // Without outlines the points still show.
    }
    return map;
  };

  // A point is [id, lat, lon, title, organisation, place, distance_km] (see catalogue.views.map_data).
  const popup = ([id, , , title, organisation, place, distance]) => {
    const box = document.createElement("div");
    const link = document.createElement("a");
    link.href = `/aanbod/${id}/`;
    link.textContent = title;
    const meta = document.createElement("div");
    meta.textContent = `${organisation} · ${place}${distance == null ? "" : ` · ${distance} km`}`;
    box.append(link, meta);
    return box;
  };

  const offersMap = document.getElementById("offers-map");
  if (offersMap) {
    baseMap(offersMap).then(async (map) => {
      const response = await fetch(offersMap.dataset.points);
      if (!response.ok) return;
      const data = await response.json();
      const cluster = L.markerClusterGroup();
      const bounds = [];
      data.points.forEach((point) => {
        const marker = L.circleMarker([point[1], point[2]], { radius: 7, color: "#1d4ed8", weight: 2 });
        marker.bindPopup(popup(point));
        cluster.addLayer(marker);
        bounds.push([point[1], point[2]]);
      });
      map.addLayer(cluster);
      if (bounds.length) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 11 });
    });
  }

  const coverageMap = document.getElementById("coverage-map");
  if (coverageMap) {
    baseMap(coverageMap).then(async (map) => {
      const response = await fetch(coverageMap.dataset.points);
      if (!response.ok) return;
      const data = await response.json();
      const bounds = [];
      data.schools.forEach((school) => {
        const marker = L.circleMarker([school.lat, school.lon], {
          radius: 6,
          color: school.reached ? "#15803d" : "#b91c1c",
          fillOpacity: 0.7,
          weight: 1,
        });
        const label = document.createElement("div");
        label.textContent = `${school.name} · ${school.place}`;
        marker.bindPopup(label);
        marker.addTo(map);
        bounds.push([school.lat, school.lon]);
      });
      if (bounds.length) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 10 });
    });
  }
});
