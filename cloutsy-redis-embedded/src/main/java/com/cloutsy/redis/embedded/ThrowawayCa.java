package com.cloutsy.redis.embedded;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority that lives for one test run: it issues server certificates for {@link TlsFiles}, so TLS
 * tests need no checked-in keys and no {@code openssl} command.
 *
 * <p>Keys are EC P-256 (fast to make), certificates are valid from an hour ago for a day, and everything is written
 * as PEM into the directory given, which the caller deletes. Needs {@code org.bouncycastle:bcpkix-jdk18on} on the
 * class path (an optional dependency of this module): the JDK has no public API that issues certificates.
 *
 * <pre>{@code
 * ThrowawayCa ca = ThrowawayCa.create(directory, "test CA");
 * TlsFiles files = ca.issueServer("redis", List.of("localhost"), List.of("127.0.0.1"));
 * EmbeddedRedis tls = EmbeddedRedis.builder().tls(files).start();   // clients trust ca.certificate()
 * }</pre>
 */
public final class ThrowawayCa {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String SIGNATURE = "SHA256withECDSA";

  private final Path directory;
  private final X500Name name;
  private final KeyPair keys;
  private final X509Certificate certificate;
  private final Path certificateFile;

  private ThrowawayCa(Path directory, X500Name name, KeyPair keys, X509Certificate certificate, Path certificateFile) {
    this.directory = directory;
    this.name = name;
    this.keys = keys;
    this.certificate = certificate;
    this.certificateFile = certificateFile;
  }

  /**
   * Makes a self-signed CA and writes its certificate to {@code <directory>/<file name from commonName>-ca.crt}.
   *
   * @param directory an existing directory for the PEM files
   * @param commonName the CA's name, for example {@code "cloutsy test CA"}
   * @return the CA
   * @throws IllegalStateException if the JDK lacks EC keys or ECDSA signatures
   * @throws UncheckedIOException if a file cannot be written
   */
  public static ThrowawayCa create(Path directory, String commonName) {
    X500Name name = new X500Name("CN=" + commonName);
    KeyPair keys = newKeyPair();
    try {
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(), notBefore(), notAfter(),
          name, keys.getPublic());
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(Extension.subjectKeyIdentifier, false,
          extensions.createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate certificate = sign(builder, keys.getPrivate());
      Path file = directory.resolve(fileName(commonName) + "-ca.crt");
      writePem(file, "CERTIFICATE", certificate.getEncoded());
      return new ThrowawayCa(directory, name, keys, certificate, file);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("Cannot make a throwaway CA", e);
    }
  }

  /** The PEM file of this CA's certificate: what a client configures as the CA it trusts. */
  public Path certificate() {
    return certificateFile;
  }

  /**
   * Issues a server certificate signed by this CA for the given names and writes it, its key and this CA's
   * certificate as {@code <fileName>.crt}, {@code <fileName>.key} and the CA file.
   *
   * @param fileName base name of the files, letters, digits, dots and dashes
   * @param dnsNames host names the certificate is valid for (subject alternative names), may be empty
   * @param ipAddresses IP addresses it is valid for, may be empty
   * @return the files a TLS server needs
   * @throws IllegalArgumentException if no name or address is given, or the file name is not plain
   */
  public TlsFiles issueServer(String fileName, List<String> dnsNames, List<String> ipAddresses) {
    if (!fileName.matches("[A-Za-z0-9.-]+")) {
      throw new IllegalArgumentException("fileName must be letters, digits, dots and dashes, was \"" + fileName + "\"");
    }
    if (dnsNames.isEmpty() && ipAddresses.isEmpty()) {
      throw new IllegalArgumentException("a server certificate needs at least one host name or IP address");
    }
    KeyPair serverKeys = newKeyPair();
    List<GeneralName> alternatives = new ArrayList<>();
    dnsNames.forEach(dns -> alternatives.add(new GeneralName(GeneralName.dNSName, dns)));
    ipAddresses.forEach(ip -> alternatives.add(new GeneralName(GeneralName.iPAddress, ip)));
    String subject = dnsNames.isEmpty() ? ipAddresses.get(0) : dnsNames.get(0);
    try {
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(), notBefore(), notAfter(),
          new X500Name("CN=" + subject), serverKeys.getPublic());
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      builder.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(alternatives.toArray(GeneralName[]::new)));
      builder.addExtension(Extension.subjectKeyIdentifier, false,
          extensions.createSubjectKeyIdentifier(serverKeys.getPublic()));
      builder.addExtension(Extension.authorityKeyIdentifier, false,
          extensions.createAuthorityKeyIdentifier(certificate));
      X509Certificate issued = sign(builder, keys.getPrivate());
      Path serverCertificate = directory.resolve(fileName + ".crt");
      Path serverKey = directory.resolve(fileName + ".key");
      writePem(serverCertificate, "CERTIFICATE", issued.getEncoded());
      writePem(serverKey, "PRIVATE KEY", serverKeys.getPrivate().getEncoded());
      return new TlsFiles(serverCertificate, serverKey, certificateFile);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("Cannot issue a server certificate for " + subject, e);
    }
  }

  @Override
  public String toString() {
    return "ThrowawayCa[" + name + ", " + certificateFile + "]";
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("The JDK cannot make EC P-256 keys", e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE)
          .build(key)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("Cannot sign with " + SIGNATURE, e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(64, RANDOM).add(BigInteger.ONE);
  }

  private static Date notBefore() {
    // An hour back, so a clock that differs a little between test and server does not make it "not yet valid".
    return Date.from(Instant.now().minus(Duration.ofHours(1)));
  }

  private static Date notAfter() {
    return Date.from(Instant.now().plus(Duration.ofDays(1)));
  }

  private static String fileName(String commonName) {
    String plain = commonName.replaceAll("[^A-Za-z0-9.-]+", "-");
    return plain.isEmpty() ? "ca" : plain;
  }

  private static void writePem(Path file, String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(US_ASCII)).encodeToString(der);
    String pem = "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    try {
      Files.writeString(file, pem, US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }
}
