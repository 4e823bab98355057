import assert from "node:assert/strict";
import { describeFailure } from "./failure";
import { HOSTILE_VALUES } from "../remote/testing/hostile";
import { validateHost } from "./inputs";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const fix = `use a name of letters, digits, '-' and '.' (e.g. "gluster-1.lab") or an address (e.g. "10.0.0.11" or "fd00::11")`;

describe("validateHost", () => {
    it("accepts host names, IPv4 and IPv6 addresses, and values not known yet", () => {
        for (const host of ["10.77.0.11", "n1", "localhost", "gluster-1.lab.example.com", "N1.Lab", "3com.net", "fd00::11", "::1", "::ffff:10.0.0.1", "a".repeat(63), `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}`, UNKNOWN]) {
            assert.deepEqual(validateHost(host, "manageHost"), [], host);
        }
    });

    it("refuses what is neither, naming the field and the fix", () => {
        const cases: Array<[unknown, string]> = [
            ["", 'manageHost: a host name or IP address is required, e.g. "10.0.0.11"'],
            [11, 'manageHost: a host name or IP address is required, e.g. "10.0.0.11"'],
            ["10.0.0.1,10.0.0.2", `manageHost: "10.0.0.1,10.0.0.2" is not a host name or IP address; ${fix}`],
            ["n1=x", `manageHost: "n1=x" is not a host name or IP address; ${fix}`],
            ["n1 n2", `manageHost: "n1 n2" is not a host name or IP address; ${fix}`],
            ["n1:22", `manageHost: "n1:22" is not a host name or IP address; ${fix}`],
            ["10.0.0.1/24", `manageHost: "10.0.0.1/24" is not a host name or IP address; ${fix}`],
            ["n1_a", `manageHost: "n1_a" is not a host name or IP address; ${fix}`],
            ["n1.", `manageHost: "n1." is not a host name or IP address; ${fix}`],
            ["-n1", `manageHost: "-n1" is not a host name or IP address; ${fix}`],
            ["n1-", `manageHost: "n1-" is not a host name or IP address; ${fix}`],
            ["a..b", `manageHost: "a..b" is not a host name or IP address; ${fix}`],
            ["10.0.0.256", `manageHost: "10.0.0.256" is not a host name or IP address; ${fix}`],
            ["1.2.3", `manageHost: "1.2.3" is not a host name or IP address; ${fix}`],
            ["[fd00::11]", `manageHost: "[fd00::11]" is not a host name or IP address; ${fix}`],
            ["fe80::1%eth0", `manageHost: "fe80::1%eth0" is not a host name or IP address; ${fix}`],
            [`${"a".repeat(64)}.lab`, `manageHost: "${"a".repeat(64)}.lab" is not a host name or IP address; ${fix}`],
            [`${"a.".repeat(127)}ab`, "manageHost: is 256 characters long; a host name has at most 253"],
        ];
        for (const [host, message] of cases) {
            assert.deepEqual(validateHost(host, "manageHost").map(describeFailure), [message], String(host));
        }
    });

    it("refuses every hostile value", () => {
        for (const [label, value] of HOSTILE_VALUES) {
            assert.equal(validateHost(value, "storageHost").length, 1, label);
        }
    });
});
