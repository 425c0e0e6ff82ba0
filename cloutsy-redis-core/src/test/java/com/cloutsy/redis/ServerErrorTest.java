package com.cloutsy.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The one table of the server's error replies, as each server version writes them. */
class ServerErrorTest {

  @Test
  void everyCodeIsReadByItsPrefixAndCarriesItsMeaning() {
    for (ServerError error : ServerError.values()) {
      if (error != ServerError.AUTH_REFUSED && error != ServerError.NON_LOCAL_KEY) {
        assertThat(ServerError.of(error.name() + " the server's words")).as(error.name()).contains(error);
      }
    }
    assertThat(ServerError.NOPERM.meaning()).isEqualTo(ServerError.Meaning.MISCONFIGURATION);
    assertThat(ServerError.READONLY.meaning()).isEqualTo(ServerError.Meaning.OUTAGE);
    assertThat(ServerError.WRONGTYPE.meaning()).isEqualTo(ServerError.Meaning.BUG);
    assertThat(ServerError.NOSCRIPT.meaning()).isEqualTo(ServerError.Meaning.RESEND);
  }

  @Test
  void scriptErrorsAreReadAsRedis62AndRedis7WriteThem() {
    assertThat(ServerError.of("ERR Error running script (call to f_8d1): @user_script:7: -OOM command not allowed"
        + " when used memory > 'maxmemory'.")).contains(ServerError.OOM);
    assertThat(ServerError.of("ERR Error running script (call to f_e35): @user_script:132: @user_script: 132: -OOM"
        + " command not allowed when used memory > 'maxmemory'.")).contains(ServerError.OOM);
    assertThat(ServerError.of("ERR Error running script (call to f_e35): @user_script:98: WRONGTYPE Operation"
        + " against a key holding the wrong kind of value")).contains(ServerError.WRONGTYPE);
    assertThat(ServerError.of("WRONGTYPE Operation against a key holding the wrong kind of value script: e35, on"
        + " @user_script:98.")).contains(ServerError.WRONGTYPE);
    assertThat(ServerError.of("ERR Error running script (call to f_8fd): @user_script:48: @user_script: 48: The user"
        + " executing the script can't run this command or subcommand")).contains(ServerError.NOPERM);
    assertThat(ServerError.of("ERR Error running script (call to f_8fd): @user_script:9: The user executing the"
        + " script can't access at least one of the keys mentioned in the command")).contains(ServerError.NOPERM);
    assertThat(ServerError.of("ERR The user executing the script can't run this command or subcommand script: 8fd,"
        + " on @user_script:48.")).contains(ServerError.NOPERM);
    assertThat(ServerError.of("ERR Error running script (call to f_1): @user_script:3: user_script:3: attempt to"
        + " compare nil with number")).isEmpty();
  }

  /** Issue 18, point 5: what a slot migration answers means "send it again", as each server version writes it. */
  @Test
  void slotMigrationRepliesMeanRetry() {
    assertThat(ServerError.of("TRYAGAIN Multiple keys request during rehashing of slot"))
        .contains(ServerError.TRYAGAIN);
    assertThat(ServerError.of("MOVED 3999 127.0.0.1:7001")).contains(ServerError.MOVED);
    assertThat(ServerError.of("ASK 3999 127.0.0.1:7001")).contains(ServerError.ASK);
    assertThat(ServerError.of("ERR Error running script (call to f_6cf6): @user_script:75: @user_script: 75: Lua"
        + " script attempted to access a non local key in a cluster node")).contains(ServerError.NON_LOCAL_KEY);
    assertThat(ServerError.of("ERR Script attempted to access a non local key in a cluster node script: 6cf6, on"
        + " @user_script:75.")).contains(ServerError.NON_LOCAL_KEY);
    for (ServerError error : new ServerError[] {ServerError.TRYAGAIN, ServerError.MOVED, ServerError.ASK,
        ServerError.NON_LOCAL_KEY}) {
      assertThat(error.meaning()).as(error.name()).isEqualTo(ServerError.Meaning.RETRY);
    }
  }

  @Test
  void oldServersRefusingAPasswordAreAnAuthenticationRefusal() {
    assertThat(ServerError.of("ERR invalid password")).contains(ServerError.AUTH_REFUSED);
    assertThat(ServerError.of("ERR Client sent AUTH, but no password is set")).contains(ServerError.AUTH_REFUSED);
    assertThat(ServerError.of("ERR unknown command 'FOO'")).isEmpty();
  }

  @Test
  void failuresAreReadThroughTheirWrappersAndCredentialRefusalsThroughTheirCauses() {
    RedisCommandExecutionException readOnly = new RedisCommandExecutionException("READONLY You can't write");
    assertThat(ServerError.of(new CompletionException(readOnly))).contains(ServerError.READONLY);
    assertThat(ServerError.of(new RedisConnectionException("Unable to connect"))).isEmpty();

    RedisConnectionException refused = new RedisConnectionException("Unable to connect to h:6379",
        new RedisCommandExecutionException("WRONGPASS invalid username-password pair"));
    assertThat(ServerError.credentialRefusal(refused)).contains("WRONGPASS invalid username-password pair");
    assertThat(ServerError.credentialRefusal(new RedisCommandExecutionException("NOPERM no rights")))
        .as("a missing right is no refused credential").isEmpty();
  }
}
