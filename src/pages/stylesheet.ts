/** The stylesheet of every page: readable, high contrast, usable from 320 px wide. */
export const STYLESHEET = `*,*::before,*::after{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:100%;line-height:1.5;color:#1b1f24;background:#f4f5f7}
body{margin:0;min-width:320px}
.instance{background:#1d3557;color:#fff;padding:.75rem 1rem;font-weight:600}
main{max-width:28rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:.5rem;box-shadow:0 1px 3px rgba(0,0,0,.15)}
@media (max-width:30rem){main{margin:0;border-radius:0;box-shadow:none;padding:1rem}}
h1{font-size:1.5rem;margin:0 0 .5rem;line-height:1.25;overflow-wrap:anywhere}
h2{font-size:1.1rem;margin:1.25rem 0 .5rem}
p{overflow-wrap:anywhere}
.lead{color:#3d4651;margin-top:0}
.client-id{color:#5a6472;font-size:.875rem}
form.stack{display:flex;flex-direction:column;gap:.35rem}
label{font-weight:600;margin-top:.5rem}
input[type=text],input[type=password]{font:inherit;padding:.6rem .7rem;border:1px solid #6b7480;border-radius:.35rem;width:100%}
input:focus,button:focus{outline:3px solid #f4a261;outline-offset:2px}
button{font:inherit;font-weight:600;padding:.65rem 1.1rem;border:0;border-radius:.35rem;background:#1d3557;color:#fff;cursor:pointer;margin-top:.75rem;min-height:44px}
button.secondary,.secondary button{background:#e8eaee;color:#1b1f24}
button.link{background:none;color:#1d3557;text-decoration:underline;padding:.5rem 0}
.actions{display:flex;gap:.75rem;flex-wrap:wrap}
.scopes{padding-left:1.25rem}
.scopes li{margin:.25rem 0}
.error{background:#fdecea;border-left:4px solid #b3261e;padding:.6rem .75rem;color:#6f1610}
.notice{background:#eef4fb;border-left:4px solid #1d3557;padding:.6rem .75rem}
code{overflow-wrap:anywhere}
a{color:#1d3557}
a:focus{outline:3px solid #f4a261;outline-offset:2px}
a.button{display:inline-block;font-weight:600;padding:.65rem 1.1rem;border-radius:.35rem;background:#1d3557;color:#fff;text-decoration:none;min-height:44px}
.hint{color:#3d4651;font-size:.875rem;margin:.25rem 0}
dl.profile{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:1rem 0}
dl.profile dt{font-weight:600}
dl.profile dd{margin:0;overflow-wrap:anywhere}
.sign-out{margin-top:1.5rem;font-weight:600}
section{border-top:1px solid #d5d9df;margin-top:1.25rem;padding-top:.25rem}
.links li{margin:.35rem 0}
.steps li{margin:.5rem 0}
.qr{display:block;margin:.5rem 0;background:#fff;padding:.5rem;border:1px solid #d0d5dd}
.secret{font-size:1.05rem;letter-spacing:.05em}
.codes{columns:2;padding-left:1.25rem;font-size:1.05rem}
.codes li{margin:.2rem 0}
main.wide{max-width:72rem}
nav.console{display:inline-flex;gap:1rem;margin-left:1.5rem;flex-wrap:wrap}
nav.console a{color:#fff;font-weight:400}
nav.console a[aria-current=page]{font-weight:700;text-decoration:underline}
table{border-collapse:collapse;width:100%;margin:.75rem 0;font-size:.9375rem}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #d5d9df;vertical-align:top}
td{overflow-wrap:anywhere}
th{background:#eef0f3;overflow-wrap:normal}
td.when{min-width:7rem}
textarea,select,input[type=email],input[type=number],input[type=datetime-local]{font:inherit;padding:.5rem .6rem;border:1px solid #6b7480;border-radius:.35rem;width:100%}
textarea:focus,select:focus,input:focus{outline:3px solid #f4a261;outline-offset:2px}
form.inline{display:inline}
form.inline button{margin:0 .25rem .25rem 0;padding:.35rem .75rem;min-height:36px}
fieldset{border:1px solid #d5d9df;border-radius:.35rem;margin:.75rem 0;padding:.5rem .75rem}
legend{font-weight:600}
label.check{font-weight:400;display:flex;gap:.5rem;align-items:center;margin:.25rem 0}
.warning{background:#fff4e5;border-left:4px solid #8a4b00;padding:.6rem .75rem;color:#4d2a00}
.status-off{color:#8a1c14;font-weight:600}
.status-on{color:#1e5b2b;font-weight:600}
`;
