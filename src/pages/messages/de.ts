import { html, type SafeHtml } from '../html.js';
import type { Messages } from './en.js';

const minuten = (n: number) => `${n} ${n === 1 ? 'Minute' : 'Minuten'}`;

/** Deutsch: every message of en.ts, in the same shape. */
export const de: Messages = {
  lang: 'de',
  common: {
    cancelAndReturn: (app: string) => `Abbrechen und zurück zu ${app}`,
    continueTo: (app: string) => `Weiter zu ${app}`,
    returnTo: (app: string) => `Zurück zu ${app}`,
    none: '(keine)',
  },
  login: {
    title: (app: string) => `Bei ${app} anmelden`,
    lead: (instance: string) => `Verwenden Sie Ihr ${instance}-Konto.`,
    loginLabel: 'Benutzername',
    passwordLabel: 'Passwort',
    submit: 'Anmelden',
    missing: 'Geben Sie Ihren Benutzernamen und Ihr Passwort ein.',
    invalid: 'Benutzername oder Passwort ist falsch.',
    throttledSource: (n: number) => `Zu viele fehlgeschlagene Anmeldeversuche aus Ihrem Netzwerk. Versuchen Sie es in ${minuten(n)} erneut.`,
    throttledAccount: (n: number) =>
      `Zu viele fehlgeschlagene Anmeldeversuche für dieses Konto. Melden Sie sich auf einem Gerät an, das Sie schon verwendet haben, oder versuchen Sie es in ${minuten(n)} erneut.`,
    throttledOther: (n: number) =>
      `Zu viele fehlgeschlagene Anmeldeversuche. Versuchen Sie es in ${minuten(n)} erneut oder melden Sie sich auf einem Gerät an, das Sie schon verwendet haben.`,
    signedInAgain: (login: string) => `Sie sind als ${login} angemeldet. Melden Sie sich erneut an, um fortzufahren.`,
    signedInNotAllowed: (login: string, app: string) =>
      `Sie sind als ${login} angemeldet; dieses Konto kann ${app} nicht verwenden. Melden Sie sich mit einem anderen Konto an.`,
    signedInOther: (login: string, app: string) =>
      `Sie sind als ${login} angemeldet. ${app} bittet Sie, sich mit einem anderen Konto anzumelden. Melden Sie sich mit diesem Konto an oder brechen Sie ab.`,
    otherAccountRequested: (app: string) =>
      `${app} bittet Sie, sich mit einem anderen Konto anzumelden. Melden Sie sich mit diesem Konto an oder brechen Sie ab.`,
  },
  blocked: {
    title: (app: string) => `Sie können sich nicht bei ${app} anmelden`,
    disabled: 'Ihr Konto ist deaktiviert. Wenden Sie sich an Ihre Administration.',
    userKind: (app: string, kind: string) =>
      `${app} nimmt keine Konten der Art „${kind === 'internal' ? 'intern' : kind === 'community' ? 'Community' : kind}“ an; mit diesem Konto können Sie sich dort nicht anmelden.`,
  },
  consent: {
    title: (app: string) => `${app} erlauben?`,
    heading: (app: string) => `${app} den Zugriff auf Ihr Konto erlauben?`,
    signedInAs: (user: string): SafeHtml => html`Angemeldet als <strong>${user}</strong>.`,
    wants: (app: string) => `${app} möchte:`,
    allow: 'Erlauben',
    deny: 'Ablehnen',
    scopes: {
      openid: 'Sie anmelden',
      profile: 'Ihren Namen und Benutzernamen sehen',
      email: 'Ihre E-Mail-Adresse sehen',
      offline_access: 'Angemeldet bleiben, während Sie abwesend sind',
      read: 'Ihre ERP-Daten lesen',
      update: 'Ihre ERP-Daten ändern',
    },
    unknownScope: (scope: string) => `Die API „${scope}“ in Ihrem Namen verwenden`,
  },
  secondFactor: {
    title: 'Bestätigen Sie, dass Sie es sind',
    lead: (app: string, login: string): SafeHtml => html`Anmeldung bei ${app} als <strong>${login}</strong>.`,
    codeLabel: 'Code aus Ihrer Authenticator-App',
    codeHelp: 'Geben Sie den 6-stelligen Code ein oder, wenn Sie Ihr Telefon nicht haben, einen Ihrer Wiederherstellungscodes.',
    submit: 'Weiter',
    missing: 'Geben Sie den Code aus Ihrer Authenticator-App ein.',
    throttled: (n: number) => `Zu viele falsche Codes. Versuchen Sie es in ${minuten(n)} erneut.`,
    wrong: 'Dieser Code ist nicht richtig oder wurde schon verwendet. Versuchen Sie den nächsten.',
    enrolWrong: 'Dieser Code ist nicht richtig. Prüfen Sie die Uhrzeit Ihres Telefons und geben Sie den Code ein, den die App jetzt anzeigt.',
  },
  totp: {
    title: 'Authenticator-App einrichten',
    leadSignIn: (app: string) => `Die Anmeldung bei ${app} erfordert einen zweiten Faktor. Richten Sie eine Authenticator-App ein, um fortzufahren.`,
    step1: 'Öffnen Sie eine Authenticator-App auf Ihrem Telefon (zum Beispiel Google Authenticator, Microsoft Authenticator, 1Password).',
    step2: 'Scannen Sie damit diesen Code:',
    qrAlt: 'QR-Code für Ihre Authenticator-App; der Schlüssel steht darunter',
    step3: 'Oder geben Sie diesen Schlüssel von Hand ein:',
    keyLabel: 'Einrichtungsschlüssel',
    step4: 'Geben Sie den 6-stelligen Code ein, den die App anzeigt.',
    codeLabel: 'Code aus der App',
    submit: 'Einschalten',
  },
  recoveryCodes: {
    title: 'Ihre Wiederherstellungscodes',
    heading: 'Speichern Sie Ihre Wiederherstellungscodes',
    lead: 'Wenn Sie Ihr Telefon verlieren, meldet Sie jeder dieser Codes einmal an, statt eines Codes aus der App. Bewahren Sie sie jetzt sicher auf: Sie werden nur dieses eine Mal angezeigt.',
    listLabel: 'Wiederherstellungscodes',
  },
  error: {
    title: 'Anmeldefehler',
    heading: 'Diese Anmeldeanfrage kann nicht abgeschlossen werden',
    code: 'Fehler:',
    explanation: 'Wenn Sie diese Seite aus einer App geöffnet haben, informieren Sie deren Entwickler; die Anfrage wurde nicht an die App zurückgeschickt.',
    requestId: 'Anfrage-ID:',
  },
  signOut: {
    confirmTitle: (instance: string) => `Von ${instance} abmelden?`,
    signedInAs: (user: string): SafeHtml => html`Sie sind als <strong>${user}</strong> angemeldet.`,
    signOut: 'Abmelden',
    stay: 'Angemeldet bleiben',
    stillTitle: 'Sie sind weiterhin angemeldet',
    still: (instance: string) => `Sie sind bei ${instance} angemeldet geblieben. Sie können dieses Fenster schließen.`,
    doneTitle: 'Sie sind abgemeldet',
    done: (instance: string) => `Sie wurden von ${instance} abgemeldet. Sie können dieses Fenster schließen.`,
  },
  issuer: {
    title: 'Identitätsserver',
    heading: (instance: string) => `${instance}-Identitätsserver`,
    lead: 'Dies ist ein OpenID-Connect-Provider (Trustgate). Apps leiten Sie zur Anmeldung hierher; auf dieser Seite ist nichts zu tun.',
    account: 'Ihr Konto',
    accountWhat: ': Ihr Profil, Passwort und zweite Faktoren',
    console: 'Verwaltungskonsole',
    consoleWhat: ' (Administration)',
    discovery: 'OpenID-Provider-Metadaten',
    discoveryWhat: ' (Discovery, für App-Entwickler)',
    jwks: 'Öffentliche Signaturschlüssel',
    jwksWhat: ' (JWKS)',
    issuer: 'Aussteller:',
    docs: 'Dokumentation: docs/ in der Trustgate-Distribution (Einstieg: docs/README.md; Betrieb: docs/operations.md).',
  },
  account: {
    title: (instance: string) => `${instance}-Konto`,
    heading: 'Ihr Konto',
    login: 'Benutzername',
    name: 'Name',
    email: 'E-Mail',
    signOut: 'Abmelden',
    openAccount: 'Ihre Kontoseite öffnen',
    passwordTitle: 'Passwort ändern',
    reauthenticate: (n: number) =>
      `Melden Sie sich zu Ihrer Sicherheit erneut an, bevor Sie Ihr Passwort ändern (eine Änderung erfordert eine Anmeldung innerhalb der letzten ${n} Minuten).`,
    signInAgain: 'Erneut anmelden',
    currentPassword: 'Aktuelles Passwort',
    newPassword: 'Neues Passwort',
    newPasswordAgain: 'Neues Passwort wiederholen',
    passwordHint:
      'Mindestens 10 Zeichen. Mehrere ungewöhnliche Wörter sind leicht zu merken und schwer zu erraten; verwenden Sie nicht Ihren Benutzernamen, Namen oder Ihre E-Mail-Adresse.',
    changePassword: 'Passwort ändern',
    changeSignsOut:
      'Wenn Sie Ihr Passwort ändern, werden Sie überall sonst abgemeldet: in anderen Browsern und auf anderen Geräten sowie in Apps, die mit Aktualisierungstoken angemeldet bleiben.',
    passwordChanged:
      'Ihr Passwort wurde geändert. Sie wurden überall sonst abgemeldet; Apps, die angemeldet geblieben waren, fragen Sie erneut nach einer Anmeldung.',
    tooManyWrongPasswords: 'Zu viele falsche Passwörter. Es wurde nichts geändert; versuchen Sie es später erneut.',
    currentMissing: 'Geben Sie Ihr aktuelles Passwort ein.',
    currentWrong: 'Ihr aktuelles Passwort ist nicht richtig.',
    sameAsCurrent: 'Das neue Passwort muss sich vom aktuellen unterscheiden.',
    nothingChanged: 'Es wurde nichts geändert',
    resetTitle: 'Neues Passwort wählen',
    resetLead: (instance: string, login: string): SafeHtml => html`Für das ${instance}-Konto <strong>${login}</strong>.`,
    resetSubmit: 'Neues Passwort festlegen',
    resetInvalidTitle: 'Dieser Link kann nicht verwendet werden',
    resetInvalid:
      'Dieser Link zum Zurücksetzen des Passworts ist nicht gültig: Er ist falsch, wurde schon verwendet oder ist abgelaufen. Bitten Sie Ihre Administration um einen neuen.',
    resetDoneTitle: 'Ihr Passwort wurde geändert',
    resetDone: (login: string) =>
      `Das Passwort von ${login} wurde geändert. Sie wurden überall abgemeldet; melden Sie sich mit dem neuen Passwort an.`,
  },
};
