// Regenerates node_signatures.json and node_public_key.pem with a fresh
// throwaway key: signatures made by Node's crypto.sign over the message
// Alloy's documented snippet verifies,
// method + url + JSON.stringify(JSON.parse(body)).
// Run from webhook/testdata: node node_signatures.js
const crypto = require("crypto");
const fs = require("fs");

const { publicKey, privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
fs.writeFileSync("node_public_key.pem", publicKey.export({ type: "spki", format: "pem" }));

// A body re-formatted after signing: whitespace and escapes only.
const respelled = '{\n  "userId": "u_1",\n  "credential": {"id": "cred_9", "name": "Caf\\u00e9 \\/ Shopify"},\n  "amount": 10\n}';
const host = "hooks.acme.example";
const target = "/hooks/alloy?tenant=acme";

function sign(msg, encoding, pss) {
  const key = pss ? { key: privateKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING } : privateKey;
  const sig = crypto.sign("sha256", Buffer.from(msg), key);
  return encoding === "hex" ? sig.toString("hex") : sig.toString(encoding);
}
const stringify = (body) => JSON.stringify(JSON.parse(body));

const cases = [
  {
    name: "documented: hex, PKCS#1 v1.5, METHOD + request.url + JSON.stringify(body)",
    method: "POST", target, host, tls: true, body: respelled, verifies: true,
    signature: sign("POST" + target + stringify(respelled), "hex", false),
  },
  {
    name: "readme.io variant: base64, PSS, lower-case method + absolute URL + JSON.stringify(body)",
    method: "POST", target, host, tls: true, body: respelled, verifies: true,
    signature: sign("post" + "https://" + host + target + stringify(respelled), "base64", true),
  },
  {
    name: "body alone, base64url, PKCS#1 v1.5",
    method: "POST", target: "/hooks/alloy", host, tls: false, body: respelled, verifies: true,
    signature: sign(stringify(respelled), "base64url", false),
  },
  {
    name: "given up: a number JSON.stringify re-writes (10.0 signed as 10)",
    method: "POST", target, host, tls: true, body: respelled.replace('"amount": 10', '"amount": 10.0'), verifies: false,
    signature: sign("POST" + target + stringify(respelled.replace('"amount": 10', '"amount": 10.0')), "hex", false),
  },
  {
    name: "given up: an id beyond 2^53 (9007199254740993 signed as 9007199254740992)",
    method: "POST", target, host, tls: true, body: '{"userId": "u_1", "credentialId": 9007199254740993}', verifies: false,
    signature: sign("POST" + target + stringify('{"userId": "u_1", "credentialId": 9007199254740993}'), "hex", false),
  },
];
fs.writeFileSync("node_signatures.json", JSON.stringify(cases, null, 2) + "\n");
