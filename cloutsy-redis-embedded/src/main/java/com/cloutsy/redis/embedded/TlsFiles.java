package com.cloutsy.redis.embedded;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The PEM files a TLS server needs: its certificate (chain), its private key and the CA that clients trust.
 *
 * @param certificate the server certificate, PEM, optionally followed by intermediates
 * @param privateKey the server's private key, PEM (PKCS#8)
 * @param caCertificate the certificate of the CA that signed it, PEM; a client that trusts it trusts the server
 */
public record TlsFiles(Path certificate, Path privateKey, Path caCertificate) {

  /** Checks that no path is null. */
  public TlsFiles {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(caCertificate, "caCertificate");
  }
}
