package io.ambient4j.istiod.testing;

import com.google.protobuf.ByteString;
import io.ambient4j.api.security.Authorization;
import io.ambient4j.api.workload.Address;
import io.ambient4j.api.workload.Workload;
import io.ambient4j.istiod.xds.XdsResource;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Builds small, real Address and Authorization resources for server tests. */
public final class Resources {
    private Resources() {}

    public static XdsResource workload(String uid, String name, String ip, String version) {
        try {
            Address body = Address.newBuilder()
                    .setWorkload(Workload.newBuilder()
                            .setUid(uid)
                            .setName(name)
                            .setNamespace("ns1")
                            .addAddresses(ByteString.copyFrom(
                                    InetAddress.getByName(ip).getAddress())))
                    .build();
            return new XdsResource(uid, version, body);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static XdsResource policy(String ns, String name, String version) {
        Authorization body =
                Authorization.newBuilder().setName(name).setNamespace(ns).build();
        return new XdsResource(ns + "/" + name, version, body);
    }
}
