"""Rack API: racks with layout, thermal view, placements, the optimiser; assets and connections."""
