// The video-visit page: two tabs (clinician and patient) open a WebRTC data channel to each
// other on loopback and the chat rides on it through a PortTransport, as it would on a real
// call's channel. Signalling (offer, answer, ICE candidates) goes over a same-origin
// BroadcastChannel; there is no STUN server and no camera.
import '../widget/define.js';
import { PortTransport, type ClinicChat } from '../widget/index.js';
import { CLINICIAN, idParam, keepInUrl, patientFromUrl, type DemoIdentity } from './identity.js';

type Side = 'provider' | 'patient';

/**
 * Signalling messages. The clinician side always makes the offer: a patient tab that
 * arrives (or reloads, or loses the connection) says `hello` and gets a fresh offer, and a
 * clinician tab that arrives offers at once, so either tab may load first. `call` names one
 * offer/answer round, so an answer or candidate from an older round is ignored.
 */
type Signal =
  | { kind: 'hello'; side: Side; who: DemoIdentity }
  | { kind: 'offer' | 'answer'; side: Side; who: DemoIdentity; call: string; sdp: string }
  | { kind: 'candidate'; side: Side; call: string; candidate: RTCIceCandidateInit }
  | { kind: 'bye'; side: Side; who: DemoIdentity };

const CONNECTED = 'Connected over a peer-to-peer data channel';

const params = new URLSearchParams(location.search);
const side: Side = params.get('role') === 'provider' ? 'provider' : 'patient';
const visit = idParam(params, 'visit') ?? 'v-100';
const me: DemoIdentity = side === 'provider' ? CLINICIAN : patientFromUrl(params);
keepInUrl(side === 'provider' ? { role: side, visit } : { role: side, visit, id: me.id, name: me.name });

/** One peer connection with its chat channel; replaced whole when the call is re-established. */
class Call {
  readonly pc = new RTCPeerConnection({ iceServers: [] });
  // Negotiated with a fixed id, so both sides have the channel without waiting for ondatachannel.
  readonly channel = this.pc.createDataChannel('chat', { negotiated: true, id: 0 });
  private readonly remoteSet: Promise<void>;
  private resolveRemote!: () => void;

  constructor(readonly id: string) {
    // Candidates can arrive before the remote description is in; they wait for it.
    this.remoteSet = new Promise((resolve) => (this.resolveRemote = resolve));
    this.pc.addEventListener('icecandidate', ({ candidate }) => {
      if (candidate) post({ kind: 'candidate', side, call: id, candidate: candidate.toJSON() });
    });
  }

  async setRemote(description: RTCSessionDescriptionInit): Promise<void> {
    await this.pc.setRemoteDescription(description);
    this.resolveRemote();
  }

  addCandidate(candidate: RTCIceCandidateInit): void {
    this.remoteSet.then(() => this.pc.addIceCandidate(candidate)).catch(failed);
  }

  close(): void {
    this.channel.close();
    this.pc.close();
  }
}

const transport = new PortTransport();
const chat = document.createElement('clinic-chat') as ClinicChat;
chat.setAttribute('chat-role', side);
chat.setAttribute('me', JSON.stringify(me));
if (side === 'patient') chat.setAttribute('visit', visit);
// Given before the element is connected, so it never starts on its default transport.
chat.transport = transport;
byId('chat-slot').append(chat);

byId('call-title').textContent = side === 'provider' ? `Video visit ${visit} · ${me.name}` : `Video visit with the care team`;
showTile('self', `${me.name} (you)`, me.name);

const signal = new BroadcastChannel(`clinic-chat-demo-signal:${visit}`);
let call: Call | undefined;
/** The other side said goodbye; a dropped channel then means "left", not "trouble". */
let peerLeft = false;

signal.addEventListener('message', (event: MessageEvent<Signal>) => {
  const message = event.data;
  if (message.side === side) return; // another tab playing this side; not our peer
  if ('who' in message) showTile('remote', message.who.name, message.who.name);
  switch (message.kind) {
    case 'hello':
      peerLeft = false;
      if (side === 'provider') offer().catch(failed);
      return;
    case 'offer':
      peerLeft = false;
      if (side === 'patient') answer(message.call, message.sdp).catch(failed);
      return;
    case 'answer':
      if (side !== 'provider' || call?.id !== message.call) return;
      call.setRemote({ type: 'answer', sdp: message.sdp }).catch(failed);
      showPatient(message.who).catch(failed);
      return;
    case 'candidate':
      if (call?.id === message.call) call.addCandidate(message.candidate);
      return;
    case 'bye':
      peerLeft = true;
      setStatus(`${message.who.name} left the call. Waiting for them to come back…`);
      return;
  }
});

addEventListener('pagehide', () => {
  post({ kind: 'bye', side, who: me });
  // Forget the call first, so closing its channel does not read as a drop to recover from.
  const ending = call;
  call = undefined;
  ending?.close();
});

if (side === 'provider') offer().catch(failed);
else post({ kind: 'hello', side, who: me });

/** Starts a new call round and gives its channel to the chat, which resends what the peer missed. */
function replaceCall(id: string): Call {
  call?.close();
  const next = new Call(id);
  call = next;
  next.channel.addEventListener('open', () => {
    if (call === next) setStatus(CONNECTED);
  });
  next.channel.addEventListener('close', () => {
    if (call !== next || peerLeft) return;
    setStatus('Connection lost. Reconnecting…');
    reconnect();
  });
  next.pc.addEventListener('connectionstatechange', () => {
    if (call === next && next.pc.connectionState === 'failed') reconnect();
  });
  transport.attach(next.channel);
  return next;
}

async function offer(): Promise<void> {
  const next = replaceCall(crypto.randomUUID());
  setStatus('Connecting…');
  await next.pc.setLocalDescription();
  if (call !== next) return; // superseded while the offer was made
  post({ kind: 'offer', side, who: me, call: next.id, sdp: next.pc.localDescription!.sdp });
}

async function answer(id: string, sdp: string): Promise<void> {
  const next = replaceCall(id);
  setStatus('Connecting…');
  await next.setRemote({ type: 'offer', sdp });
  await next.pc.setLocalDescription();
  if (call !== next) return;
  post({ kind: 'answer', side, who: me, call: next.id, sdp: next.pc.localDescription!.sdp });
}

/** The offerer starts over; the answerer asks for a new offer. */
function reconnect(): void {
  if (side === 'provider') offer().catch(failed);
  else post({ kind: 'hello', side, who: me });
}

/**
 * The clinician's page knows from the call who the patient is, so it owns the queue (the
 * element's `queue` property) and opens the box on them: a video visit has one patient.
 * The same patient back after a reload changes nothing, so a box the clinician closed stays closed.
 */
async function showPatient(patient: DemoIdentity): Promise<void> {
  chat.queue = [{ id: patient.id, name: patient.name, visit, inCall: true }];
  await chat.updateComplete;
  if (chat.state?.active !== patient.id) await chat.open(patient.id);
}

function post(message: Signal): void {
  signal.postMessage(message);
}

function setStatus(text: string): void {
  byId('call-status').textContent = text;
}

function showTile(which: 'self' | 'remote', caption: string, name: string): void {
  byId(`${which}-name`).textContent = caption;
  byId(`${which}-initial`).textContent = name.trim().charAt(0).toUpperCase();
}

function failed(error: unknown): void {
  setStatus(`Could not connect: ${error instanceof Error ? error.message : String(error)}`);
}

function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`video-visit.html has no #${id}`);
  return element;
}
