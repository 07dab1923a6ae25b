// daobot signing page: reads the request, asks the wallet (EIP-1193) to sign it, posts the signature.
// Plain JavaScript, no dependencies; the page's Content-Security-Policy allows only this file.
"use strict";
(function () {
  const base = window.location.pathname.replace(/\/+$/, "");
  const $ = (id) => document.getElementById(id);
  let request = null;
  let account = null;

  function status(text, kind) {
    const el = $("status");
    el.textContent = text;
    el.className = "status" + (kind ? " " + kind : "");
  }

  function showDetails(view) {
    $("summary").textContent = view.summary;
    const dl = $("details");
    dl.replaceChildren();
    for (const [label, value] of view.details) {
      const dt = document.createElement("dt");
      const dd = document.createElement("dd");
      dt.textContent = label;
      dd.textContent = value;
      dl.append(dt, dd);
    }
    const pre = $("message");
    pre.textContent = view.message || "";
    pre.classList.toggle("hidden", !view.message);
  }

  async function getJson(url, options) {
    let response;
    try {
      response = await fetch(url, Object.assign({ credentials: "same-origin", cache: "no-store" }, options));
    } catch (e) {
      throw new Error("The bot could not be reached. Check your connection and try again.");
    }
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error || "The bot refused the request (" + response.status + ").");
    return body;
  }

  function walletError(e) {
    if (e && e.code === 4001) return "You declined in your wallet. Nothing was signed.";
    return (e && e.message) ? "Your wallet reported: " + e.message : "Your wallet did not answer.";
  }

  function utf8Hex(text) {
    const bytes = new TextEncoder().encode(text);
    return "0x" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function ensureChain(chainId) {
    const current = await window.ethereum.request({ method: "eth_chainId" });
    if (parseInt(current, 16) === chainId) return;
    try {
      await window.ethereum.request({ method: "wallet_switchEthereumChain",
        params: [{ chainId: "0x" + chainId.toString(16) }] });
    } catch (e) {
      throw new Error("Switch your wallet to chain " + chainId + " and try again.");
    }
  }

  function boundToChain(typedData) {
    return Boolean(typedData && typedData.domain && typedData.domain.chainId !== undefined);
  }

  async function connect() {
    $("connect").disabled = true;
    status("Waiting for your wallet…");
    try {
      const accounts = await window.ethereum.request({ method: "eth_requestAccounts" });
      if (!accounts || !accounts.length) throw new Error("Your wallet shared no account.");
      account = accounts[0];
      // Only messages bound to a chain need the wallet on it (Snapshot's domain has no chainId).
      if (request.method === "eth_signTypedData_v4" && boundToChain(request.typed_data)) {
        await ensureChain(request.chain_id);
      }
      request = await getJson(base + "/request?address=" + encodeURIComponent(account));
      showDetails(request);
      const expected = request.expected_wallet;
      if (expected && expected.toLowerCase() !== account.toLowerCase()) {
        status("Your wallet's account " + account + " is not your linked wallet " + expected +
          ". Switch accounts in your wallet, then connect again.", "bad");
        $("connect").disabled = false;
        return;
      }
      status("Check the details above, then sign.");
      $("sign").disabled = false;
    } catch (e) {
      status(e.code !== undefined ? walletError(e) : e.message, "bad");
      $("connect").disabled = false;
    }
  }

  async function sign() {
    $("sign").disabled = true;
    status("Confirm in your wallet…");
    let signature;
    try {
      signature = request.method === "personal_sign"
        ? await window.ethereum.request({ method: "personal_sign", params: [utf8Hex(request.message), account] })
        : await window.ethereum.request({ method: "eth_signTypedData_v4",
            params: [account, JSON.stringify(request.typed_data)] });
    } catch (e) {
      status(walletError(e), "bad");
      $("sign").disabled = false;
      return;
    }
    status("Sending your signature to the bot…");
    try {
      const done = await getJson(base, { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ signature: signature, message: request.message || null }) });
      finish(done);
    } catch (e) {
      status(e.message, "bad");
      $("connect").disabled = false; // e.g. the wrong account signed: switch, connect again, retry
    }
  }

  function finish(done) {
    $("connect").classList.add("hidden");
    $("sign").classList.add("hidden");
    $("title").textContent = "Done";
    let text = "Done: " + done.summary + ".";
    if (done.tx_hash) text += " Transaction sent: " + done.tx_hash;
    for (const [label, value] of done.receipt || []) text += " " + label + ": " + value + ".";
    status(text, "ok");
    if (done.next_url) {
      const p = $("next");
      const a = document.createElement("a");
      a.href = done.next_url;
      a.textContent = "Activate your voting power: delegate your tokens to yourself (one more signature)";
      p.replaceChildren("Your tokens do not count in votes until they are delegated. ", a);
      p.classList.remove("hidden");
    }
    document.body.dataset.state = "done";
  }

  async function start() {
    $("connect").addEventListener("click", connect);
    $("sign").addEventListener("click", sign);
    try {
      request = await getJson(base + "/request");
      showDetails(request);
    } catch (e) {
      status(e.message, "bad");
      return;
    }
    if (!window.ethereum || typeof window.ethereum.request !== "function") {
      status("No Ethereum wallet was found in this browser. Open this link in a browser with a wallet " +
        "extension, or in your wallet app's browser.", "bad");
      return;
    }
    $("connect").disabled = false;
    status("Connect your wallet to continue.");
    document.body.dataset.state = "ready";
  }

  start();
})();
