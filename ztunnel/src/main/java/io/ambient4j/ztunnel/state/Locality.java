package io.ambient4j.ztunnel.state;

/** Region, zone and subzone of a workload, for locality-aware load balancing and metric labels. */
public record Locality(String region, String zone, String subzone) {
    public static final Locality NONE = new Locality("", "", "");
}
