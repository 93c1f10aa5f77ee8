// The app page (web/index.html): a <tab86-machine> with a toolbar for choosing what to boot,
// the running machine's controls and a status bar. Starts the default Linux unless the URL
// says otherwise: ?src=URL boots that image, ?autostart=0 waits for the user.
import "./element.js";
import { Tab86 } from "./api.js";
import { SPECIAL_KEYS } from "./keyboard.js";
import { zip } from "../host/zip.js";
import { keepState, keptState, stateFileName, describeMachine } from "./statestore.js";
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

// the on-screen keyboard: shown by itself on a touch screen (keyboard="auto" in index.html),
// and by this button anywhere
const keyboard = $<HTMLButtonElement>("keyboard");
const syncKeyboard = () => keyboard.setAttribute("aria-pressed", String(machine.keyboardShown));
keyboard.addEventListener("click", () => machine.setAttribute("keyboard", machine.keyboardShown ? "off" : "on"));
machine.addEventListener("keyboard", syncKeyboard);
syncKeyboard();

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

// Machine state (docs/web.md): Save/Restore keep one state in IndexedDB, Export/Load go
// through a file. Restoring needs the machine the state was saved from (the same images):
// the worker's checks say what differs.
$("state-save").addEventListener("click", async () => {
  const c = machine.machine.config;
  if (!c) return say("Start a machine first.");
  // a sandbox keeps nothing in the browser (its files would be in the state)
  if (c.sandbox) return say("A sandbox keeps nothing in this browser: Export state downloads its state instead (Revert goes back to its clean state).");
  say("Saving the state…");
  try {
    const bytes = await machine.saveState();
    await keepState({ bytes, what: describeMachine(c), savedAt: Date.now() });
    say(`State saved (${(bytes.length / 1048576).toFixed(1)} MiB): Restore state goes back to it.`);
  } catch (e) { fail(e); }
});
$("state-restore").addEventListener("click", async () => {
  try {
    const kept = await keptState();
    if (!kept) return say("No state saved yet: Save state keeps one.");
    await machine.restoreState(kept.bytes, `the state saved ${new Date(kept.savedAt).toLocaleString()} (${kept.what})`);
    say(`Restored the state saved ${new Date(kept.savedAt).toLocaleTimeString()}.`);
    machine.focus();
  } catch (e) { fail(e); }
});
$("state-export").addEventListener("click", async () => {
  const c = machine.machine.config;
  if (!c) return say("Start a machine first.");
  try { download(await machine.saveState(), stateFileName(c)); } catch (e) { fail(e); }
});
$<HTMLInputElement>("state-file").addEventListener("change", async (e) => {
  const input = e.target as HTMLInputElement;
  const file = input.files?.[0];
  input.value = "";
  if (!file) return;
  try {
    await machine.restoreState(new Uint8Array(await file.arrayBuffer()), file.name);
    say(`Carrying on from ${file.name}.`);
    machine.focus();
  } catch (e) { fail(e); }
});

// The sandbox (docs/sandbox.md): files in a throwaway Linux (or DOS from a boot floppy) without
// network, a bar with Revert (the clean state saved at the first prompt) and Export (what the
// guest put on the export disk).
const sandboxBar = $("sandboxbar"), sbInfo = $("sb-info");
const sandboxSystem = $<HTMLSelectElement>("sandbox-system"), dosFloppyInput = $<HTMLInputElement>("dos-floppy");
let dosFloppy: File | undefined;
sandboxSystem.addEventListener("change", () => {
  if (sandboxSystem.value === "dos" && !dosFloppy) dosFloppyInput.click();
});
dosFloppyInput.addEventListener("change", () => {
  dosFloppy = dosFloppyInput.files?.[0] ?? dosFloppy;
  dosFloppyInput.value = "";
  $("dos-floppy-name").textContent = dosFloppy ? `boot floppy: ${dosFloppy.name}` : "";
});

async function openSandbox(files: File[]): Promise<void> {
  const what = files.length === 1 ? files[0].name : `${files.length} files`;
  const dos = sandboxSystem.value === "dos";
  if (dos && !dosFloppy) {
    say("The DOS sandbox boots from a DOS boot floppy: choose one, then open the files again.");
    dosFloppyInput.click();
    return;
  }
  const progress = `Opening ${what} in the ${dos ? "DOS " : ""}sandbox…`;
  say(progress);
  try {
    const list = await Tab86.readSandboxFiles(files);
    const config = dos
      ? Tab86.sandboxConfig(list, document.baseURI, Number(mem.value), await Tab86.readFile(dosFloppy!))
      : Tab86.sandboxConfig(list, document.baseURI, Math.max(128, Number(mem.value)));
    sbInfo.textContent = dos
      ? `${what} read-only on C: (short names, as DOS shows them); copy what you want to take out to D:. Booted from ${dosFloppy!.name} in A:.`
      : `${what} read-only at /mnt/sandbox; copy what you want to take out to /mnt/export. Tools: file, strings, hexdump -C, xxd, unzip, sha256sum, vi.`;
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
$("sb-revert").addEventListener("click", async () => {
  say("Reverting to the clean state…");
  try {
    const how = await machine.revert();
    if (how === "restored") machine.clearConsole("[reverted to the clean state saved at the first prompt]");
    say(how === "restored"
      ? "Reverted: the machine is back at its clean state, saved when its prompt first appeared."
      : "Reverted: a clean machine booted with the same files (the clean state had not been saved yet).");
    machine.focus();
  } catch (e) { fail(e); }
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
  // a disk by URL: how much of it was downloaded so far (range requests)
  stDisk.textContent = s.bytesFetched > 0 ? `disk · ${(s.bytesFetched / 1048576).toFixed(1)} MiB fetched` : "disk";
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
