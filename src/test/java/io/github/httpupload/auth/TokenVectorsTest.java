package io.github.httpupload.auth;

import io.github.httpupload.auth.TokenProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Every vector of PROTOCOL.md §9, computed independently (Python hmac and Prosody's Lua). */
class TokenVectorsTest {

    private static final String SECRET = "secret string";

    static Stream<Arguments> vectors() {
        return Stream.of(
                arguments(1, TokenProtocol.V, SECRET, "foo/bar.jpg", 1048576L, null, "foo/bar.jpg 1048576",
                        "e6df55a04516617d6a86ad6ca23879819591085a1a8c0041f4da06824f5d2db7"),
                arguments(2, TokenProtocol.V2, SECRET, "foo/bar.jpg", 1048576L, "image/jpeg", "foo/bar.jpg\u00001048576\u0000image/jpeg",
                        "a19d27add075aa60035e27c05e794f13079ba48c508852b3d7160a6bec0f85ab"),
                arguments(3, TokenProtocol.V, SECRET, "foo/caf%c3%a9%20%c3%bcber.jpg", 1048576L, null, "foo/café über.jpg 1048576",
                        "09264c337660146069c7c311a2736e0da8cdb3115177d781f3a53be089217d7e"),
                arguments(4, TokenProtocol.V2, SECRET, "foo/caf%C3%A9%20%C3%BCber.jpg", 1048576L, "image/jpeg", "foo/café über.jpg\u00001048576\u0000image/jpeg",
                        "71cd67aadc3c9a8fa53c515c691d0671793219ed39606941244062acf06b70d2"),
                arguments(5, TokenProtocol.V, SECRET, "foo/a%2bb%20c%2520d.jpg", 1048576L, null, "foo/a+b c%20d.jpg 1048576",
                        "ec7d3b11bdf2f70479812f934c44a35111819bdf41a67f1ca665bd2b08a9d6a1"),
                arguments(6, TokenProtocol.V2, SECRET, "foo/bar.jpg", 1048576L, VerifiedUpload.DEFAULT_CONTENT_TYPE,
                        "foo/bar.jpg\u00001048576\u0000application/octet-stream",
                        "8cb4befd7abad2898feac2178dc07abf0bfe94590652d5a0c51b5b26e6c78899"),
                arguments(7, TokenProtocol.V, SECRET, "foo/%e6%97%a5%e6%9c%ac%e8%aa%9e.png", 0L, null, "foo/日本語.png 0",
                        "3a37b4736a3a4e645c5322c0899904de0972c6d72173bc3a4186c735325b9203"),
                arguments(8, TokenProtocol.V, SECRET, "4a771ac1-f0b2-4a4a-9700-f2a26fa2bb67/tr%c3%a8s%20cool.jpg", 23456L, null,
                        "4a771ac1-f0b2-4a4a-9700-f2a26fa2bb67/très cool.jpg 23456",
                        "8cce7a3eda2776644c018142e4210d380ad6ae92bb38ee0022e898f61a53d5a9"),
                arguments(9, TokenProtocol.V, SECRET,
                        "43feddb25776a343c69835c7e79dc2c7f59598a6/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCd/my-juliet.jpg", 23456L, null,
                        "43feddb25776a343c69835c7e79dc2c7f59598a6/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCd/my-juliet.jpg 23456",
                        "aa95cba011fbc64bcbbbd8e9ca1459d762138e498824aa0122b6606512281ba2"),
                arguments(10, TokenProtocol.V, "mysecret", "thomas/abc/catmetal.jpg", 23026L, null, "thomas/abc/catmetal.jpg 23026",
                        "7b8879e2d1c733b423a70cde30cecc3a3c64a03f790d1b5bcbb2a6aca52b477e"),
                arguments(11, TokenProtocol.V2, "mysecret", "thomas/abc/catmetal.jpg", 23026L, "image/jpeg",
                        "thomas/abc/catmetal.jpg\u000023026\u0000image/jpeg",
                        "7318cd44d4c40731e3b2ff869f553ab2326eae631868e7b8054db20d4aee1c06"),
                arguments(11, TokenProtocol.TOKEN, "mysecret", "thomas/abc/catmetal.jpg", 23026L, "image/jpeg",
                        "thomas/abc/catmetal.jpg\u000023026\u0000image/jpeg",
                        "7318cd44d4c40731e3b2ff869f553ab2326eae631868e7b8054db20d4aee1c06"));
    }

    @ParameterizedTest(name = "#{0} {1}: {6}")
    @MethodSource("vectors")
    void vectorIsSignedAndVerified(int number, TokenProtocol protocol, String secret, String urlPath, long length,
                                   String contentType, String signedMessage, String token) throws Exception {
        byte[] message = HmacTokenVerifier.signedMessage(protocol, SlotPath.parse(urlPath), length, contentType);

        assertArrayEquals(signedMessage.getBytes(StandardCharsets.UTF_8), message, "signed message of vector #" + number);
        HmacTokenVerifier verifier = verifier(secret);
        assertEquals(token, verifier.sign(message));
        assertTrue(verifier.verify(message, token));
    }

    static Stream<Arguments> wrongOnPurpose() {
        return Stream.of(
                arguments("raw lowercase-encoded path", "foo/caf%c3%a9%20%c3%bcber.jpg",
                        "9f9e16d374c6b5fd6c663106c0c1fff25dbe2f92d5d07142e7286dad466f1ca7"),
                arguments("raw uppercase-encoded path", "foo/caf%C3%A9%20%C3%BCber.jpg",
                        "32d1c0eb67d3e014d86d372b631e79d62c67d5639913f9f33e774297081b2643"),
                arguments("+ decoded as space", "foo/a%2bb%20c%2520d.jpg",
                        "4cb8bfad0d8e885d3748782dbad5c8a5480ea885b2e34e29094e5ca14473239f"),
                arguments("double-decoded", "foo/a%2bb%20c%2520d.jpg",
                        "1dfa2d4f04e2b6889b12e871f08d1fe60638bd9b26c8985db47f9e03793280eb"),
                arguments("key and message swapped", "foo/bar.jpg",
                        "4dc65ae6bf18515c4775ae8f2100a444f5d8a8317cd643c9c93d39609d630fdf"));
    }

    @ParameterizedTest(name = "{0} is rejected")
    @MethodSource("wrongOnPurpose")
    void wrongOnPurposeIsRejected(String mistake, String urlPath, String wrongToken) throws Exception {
        byte[] message = HmacTokenVerifier.signedMessage(TokenProtocol.V, SlotPath.parse(urlPath), 1048576L, null);

        assertFalse(verifier(SECRET).verify(message, wrongToken), mistake);
    }

    @ParameterizedTest(name = "malformed token [{0}] is rejected")
    @ValueSource(strings = {
            "", "e6df55a04516617d6a86ad6ca23879819591085a1a8c0041f4da06824f5d2db",
            "e6df55a04516617d6a86ad6ca23879819591085a1a8c0041f4da06824f5d2db70",
            "E6DF55A04516617D6A86AD6CA23879819591085A1A8C0041F4DA06824F5D2DB7",
            "e6df55a04516617d6a86ad6ca23879819591085a1a8c0041f4da06824f5d2dbz",
            "e6df55a04516617d6a86ad6ca2387981 591085a1a8c0041f4da06824f5d2db7"})
    void malformedTokensAreRejected(String token) throws Exception {
        byte[] message = HmacTokenVerifier.signedMessage(TokenProtocol.V, SlotPath.parse("foo/bar.jpg"), 1048576L, null);

        assertFalse(verifier(SECRET).verify(message, token));
    }

    @Test
    void missingTokenIsRejected() throws Exception {
        byte[] message = HmacTokenVerifier.signedMessage(TokenProtocol.V, SlotPath.parse("foo/bar.jpg"), 1048576L, null);

        assertFalse(verifier(SECRET).verify(message, null));
    }

    @Test
    void lengthAndTypeAreBound() throws Exception {
        SlotPath path = SlotPath.parse("foo/bar.jpg");
        HmacTokenVerifier verifier = verifier(SECRET);
        String v2 = "a19d27add075aa60035e27c05e794f13079ba48c508852b3d7160a6bec0f85ab";

        assertFalse(verifier.verify(HmacTokenVerifier.signedMessage(TokenProtocol.V2, path, 1048577L, "image/jpeg"), v2));
        assertFalse(verifier.verify(HmacTokenVerifier.signedMessage(TokenProtocol.V2, path, 1048576L, "image/png"), v2));
        assertFalse(verifier.verify(HmacTokenVerifier.signedMessage(TokenProtocol.V, path, 1048576L, "image/jpeg"), v2));
    }

    private static HmacTokenVerifier verifier(String secret) {
        return new HmacTokenVerifier(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    }
}
