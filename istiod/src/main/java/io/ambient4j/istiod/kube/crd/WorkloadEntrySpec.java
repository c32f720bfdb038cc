package io.ambient4j.istiod.kube.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** istio.networking.v1.WorkloadEntry spec (also the shape of a ServiceEntry's inline endpoints). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkloadEntrySpec extends Lenient {
    public String address;
    public Map<String, Integer> ports;
    public Map<String, String> labels;
    public String network;
    public String locality;
    public Integer weight;
    public String serviceAccount;
}
