// The app page (web/index.html): a <tab86-machine> with a toolbar for choosing what to boot,
// the running machine's controls and a status bar. Starts the default Linux unless the URL
// says otherwise: ?src=URL boots that image, ?autostart=0 waits for the user.
import "./element.js";
import { Tab86 } from "./api.js";
import { SPECIAL_KEYS } from "./keyboard.js";
import { zip } from "../host/zip.js";
import type { Tab86Element } from "./element.js";
import type { Status } from "./protocol.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const machine = $<Tab86Element>("machine");
const mem = $<HTMLSelectElement>("mem"), boot = $<HTMLSelectElement>("boot");
const notice = $<HTMLParagraphElement>("notice");
const persist = $<HTMLInputElement>("persist");

// the page API for scripts and tests: window.tab86 is the element
(window as unknown as { tab86: Tab86Element }).tab86 = machine;

const say = (text: string) => { notice.textContent = text; };
// clear a progress message once done, unless something newer was said meanwhile
const done = (progress: string) => () => { if (notice.textContent === progress) say(""); };
const opts = () => ({ memMiB: Number(mem.value), boot: boot.value });
const fail = (e: unknown) => say(`⚠ ${(e as Error).message}`);

function syncPersist(): void { machine.toggleAttribute("persist", persist.checked); }
persist.addEventListener("change", syncPersist);

$("linux").addEventListener("click", () => {
  say("Starting Linux…");
  machine.start(linuxConfig()).then(done("Starting Linux…"), fail);
});
function linuxConfig() {
  return { memMiB: Number(mem.value), kernel: { name: "vmlinuz", url: new URL("images/linux/vmlinuz", document.baseURI).href }, initrd: { name: "initrd.img", url: new URL("images/linux/initrd.img", document.baseURI).href }, append: machine.getAttribute("append") ?? "console=tty0 console=ttyS0,115200 cryptomgr.notests" };
}

$<HTMLInputElement>("file").addEventListener("change", (e) => {
  const input = e.target as HTMLInputElement;
  const file = input.files?.[0];
  if (!file) return;
  const progress = `Starting ${file.name}…`;
  say(progress);
  machine.load(file, opts()).then(() => { done(progress)(); machine.focus(); }, fail);
  input.value = "";
});
$<HTMLFormElement>("urlform").addEventListener("submit", (e) => {
  e.preventDefault();
  const url = $<HTMLInputElement>("url").value.trim();
  if (!url) return;
  const progress = `Downloading ${url}…`;
  say(progress);
  machine.load(url, opts()).then(() => { done(progress)(); machine.focus(); }, fail);
});

const pause = $<HTMLButtonElement>("pause");
pause.addEventListener("click", () => (machine.state === "paused" ? machine.resume() : machine.pause()));
$("restart").addEventListener("click", () => machine.restart().catch(fail));

const keys = $<HTMLSelectElement>("keys");
for (const [label, spec] of SPECIAL_KEYS) keys.add(new Option(label, spec));
keys.addEventListener("change", () => {
  if (keys.value) machine.sendKeys(keys.value);
  keys.value = "";
  machine.focus();
});

const dlg = $<HTMLDialogElement>("pastedlg");
$("paste").addEventListener("click", () => dlg.showModal());
dlg.addEventListener("close", () => {
  const text = $<HTMLTextAreaElement>("pastetext").value;
  if (dlg.returnValue === "type" && text) machine.type(text);
  machine.focus();
});
$("mouse").addEventListener("click", () => machine.captureMouse());

for (const [id, drive] of [["floppy", "fda"], ["cd", "cdrom"]] as const) {
  $<HTMLInputElement>(id).addEventListener("change", (e) => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (file) machine.insert(drive, file).catch(fail);
    input.value = "";
  });
}

function download(bytes: Uint8Array, name: string): void {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: "application/octet-stream" }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

$("export").addEventListener("click", async () => {
  const c = machine.machine.config;
  if (c?.sandbox) return $("sb-export-img").click();
  const drive = c?.hda ? "hda" : c?.fda ? "fda" : undefined;
  if (!drive) return say("This machine has no disk to export (the default Linux runs from memory).");
  try {
    download(await machine.exportDisk(drive), (drive === "hda" ? c!.hda!.name : c!.fda!.name).replace(/(\.\w+)?$/, "-changed$1"));
  } catch (e) { fail(e); }
});
$("discard").addEventListener("click", () => {
  if (!confirm("Forget every change the machine made to its disks and restart from the original image?")) return;
  machine.resetDisks().then(() => say("The disks are back to the original images."), fail);
});

// The sandbox (docs/sandbox.md): files in a throwaway Linux without network, a bar with
// Revert (a fresh machine with the same files) and Export (what the guest put in /mnt/export).
const sandboxBar = $("sandboxbar"), sbInfo = $("sb-info");

async function openSandbox(files: File[]): Promise<void> {
  const what = files.length === 1 ? files[0].name : `${files.length} files`;
  const progress = `Opening ${what} in the sandbox…`;
  say(progress);
  try {
    const list = await Tab86.readSandboxFiles(files);
    const config = Tab86.sandboxConfig(list, document.baseURI, Math.max(128, Number(mem.value)));
    sbInfo.textContent = `${what} read-only at /mnt/sandbox; copy what you want to take out to /mnt/export. Tools: file, strings, hexdump -C, xxd, unzip, sha256sum, vi.`;
    await machine.start(config);
    done(progress)();
    machine.focus();
  } catch (e) { fail(e); }
}

$<HTMLInputElement>("sandbox-files").addEventListener("change", (e) => {
  const input = e.target as HTMLInputElement;
  const files = [...(input.files ?? [])];
  input.value = "";
  if (files.length) void openSandbox(files);
});
machine.addEventListener("state", (e) => {
  if ((e as CustomEvent).detail.state === "loading") sandboxBar.hidden = !machine.machine.config?.sandbox;
});
$("sb-revert").addEventListener("click", () => {
  say("Reverting: the machine is thrown away and a clean one boots with the same files…");
  machine.restart().then(done("Reverting: the machine is thrown away and a clean one boots with the same files…"), fail);
});
// a name from the guest as a download's name: one path component, no characters file systems refuse
const safeName = (path: string) => path.split("/").pop()!.replace(/[\x00-\x1f\x7f<>:"\\|?*]/g, "_").slice(0, 200) || "export.bin";
$("sb-export").addEventListener("click", async () => {
  try {
    const files = await machine.exportFiles();
    if (!files.length) return say("The export disk is empty: in the sandbox, copy files to /mnt/export first.");
    if (files.length === 1) download(files[0].data, safeName(files[0].path));
    else download(zip(files), "sandbox-export.zip");
    say(`Exported ${files.length === 1 ? files[0].path : `${files.length} files as sandbox-export.zip`}.`);
  } catch (e) { fail(e); }
});
$("sb-export-img").addEventListener("click", () => machine.exportDisk("export").then((b) => download(b, "sandbox-export.img"), fail));

// Files dropped on the screen or anywhere on the page: boot it, or open them in the sandbox.
const dropDlg = $<HTMLDialogElement>("dropdlg");
let dropped: File[] = [];
function askDrop(files: File[]): void {
  dropped = files;
  $("dropnames").textContent = files.length === 1 ? files[0].name : `${files.length} files`;
  $<HTMLButtonElement>("dropboot").disabled = files.length !== 1;
  dropDlg.showModal();
}
dropDlg.addEventListener("close", () => {
  const files = dropped;
  dropped = [];
  if (dropDlg.returnValue === "sandbox") void openSandbox(files);
  else if (dropDlg.returnValue === "boot" && files.length === 1) {
    const progress = `Starting ${files[0].name}…`;
    say(progress);
    machine.load(files[0], opts()).then(() => { done(progress)(); machine.focus(); }, fail);
  }
  dropDlg.returnValue = "";
});
machine.addEventListener("files", (e) => { e.preventDefault(); askDrop((e as CustomEvent<{ files: File[] }>).detail.files); });
document.addEventListener("dragover", (e) => e.preventDefault());
document.addEventListener("drop", (e) => {
  e.preventDefault();
  const files = [...(e.dataTransfer?.files ?? [])];
  if (files.length) askDrop(files);
});

$<HTMLInputElement>("integer").addEventListener("change", (e) => machine.setAttribute("scale", (e.target as HTMLInputElement).checked ? "integer" : "aspect"));

// the status bar
const stState = $("st-state"), stMips = $("st-mips"), stDisk = $("st-disk"), stMode = $("st-mode");
machine.addEventListener("state", (e) => {
  const { state, message } = (e as CustomEvent).detail;
  stState.textContent = state;
  stState.dataset.state = state;
  pause.textContent = state === "paused" ? "Resume" : "Pause";
  if (state === "error") say(`⚠ ${message.split("\n")[0]}`);
  if (state !== "running") stMips.textContent = "— MIPS";
});
machine.addEventListener("status", (e) => {
  const s = (e as CustomEvent<Status>).detail;
  stMips.textContent = `${s.mips.toFixed(1)} MIPS`;
  stDisk.classList.toggle("active", s.diskRequests > 0);
});
machine.addEventListener("mode", (e) => {
  const m = (e as CustomEvent).detail;
  stMode.textContent = `${m.width}×${m.height} ${m.graphics ? "graphics" : "text"}`;
});
machine.addEventListener("notice", (e) => say((e as CustomEvent).detail.message));

const params = new URLSearchParams(location.search);
syncPersist();
if (params.get("src")) machine.load(params.get("src")!, opts()).catch(fail);
else if (params.get("autostart") !== "0") $("linux").click();
else machine.showMessage("");
