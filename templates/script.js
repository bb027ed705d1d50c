// Enhancement: markers and terms open their note or definition beside the phrase; on wide
// screens notes also stand in the margin as sidenotes; the search link becomes a search box.
(()=>{let d=document,cur=null,Q='a[role="doc-noteref"],a[role="doc-glossref"]',S=[],hi=null,WD=matchMedia("(min-width:1200px)");
let close=back=>{if(!cur)return;let c=cur;cur=null;c.b.remove();c.t.setAttribute("aria-expanded","false");c.m.forEach(m=>m.classList.remove("on"));if(back)c.t.focus()};
let place=()=>{let{t,b,m}=cur,s=b.style,r=t.getBoundingClientRect(),W=d.documentElement.clientWidth,H=innerHeight,c=(t.closest(".article-body")||t).getBoundingClientRect(),room=W-c.right-40,side=room>=256&&!S.length,o=b.offsetParent,p=o&&o!=d.body?o.getBoundingClientRect():{left:-scrollX,top:-scrollY},q=r.top,x,y,w,h;
m.forEach(e=>q=Math.min(q,e.getBoundingClientRect().top));
s.width=side?Math.min(room,360)+"px":"";w=b.offsetWidth;h=b.offsetHeight;
if(side){x=c.right+24;y=Math.min(r.top-8,Math.max(8,H-h-8,r.bottom+8-h))}else{x=Math.max(8,Math.min(r.left+r.width/2-w/2,W-w-8));y=r.bottom+8;if(y+h>H&&q-h-8>0)y=q-h-8}
s.left=x-p.left+"px";s.top=y-p.top+"px"};
let open=t=>{let id=decodeURIComponent(t.hash.slice(1)),e=d.getElementById(id),n=t.hash.startsWith("#note-"),again=cur&&cur.t==t,b,h,x,src;
if(!e)return 0;close(0);if(again)return 1;
src=n?e:e.closest("dt")?.nextElementSibling;if(!src)return 0;
b=d.createElement("div");h=d.createElement("p");x=d.createElement("button");
b.className="pop "+src.className;b.id="pop";b.tabIndex=-1;b.setAttribute("role","dialog");b.setAttribute("aria-labelledby","pop-h");
h.className="pop-h";h.id="pop-h";h.textContent=n?"Note "+t.textContent:e.closest("dt").textContent;b.append(h);
for(let c of src.children)if(!c.matches(".back")){c=c.cloneNode(true);c.removeAttribute("id");c.querySelectorAll("[id]").forEach(i=>i.removeAttribute("id"));b.append(c)}
x.type="button";x.className="pop-x";x.setAttribute("aria-label","Close");x.textContent="×";x.onclick=()=>close(1);b.append(x);
b.addEventListener("focusout",ev=>{let r=ev.relatedTarget;if(cur&&r&&!b.contains(r)&&r!=cur.t)close(0)});
(t.closest("h1,h2,h3,h4,h5,h6")||(n?t.parentNode:t)).after(b);
cur={t,b,m:n?d.querySelectorAll(`mark[data-note="${CSS.escape(id.slice(5))}"]`):[t]};
cur.m.forEach(m=>m.classList.add("on"));t.setAttribute("aria-expanded","true");
place();b.focus({preventScroll:true});b.scrollIntoView({block:"nearest"});return 1};
let unhi=back=>{if(!hi)return;let h=hi;hi=null;h.s.e.classList.remove("on");h.m.forEach(m=>m.classList.remove("on"));if(back)h.t.focus()};
let toSide=t=>{let s=S.find(s=>s.id==t.hash.slice(1));if(!s)return 0;close(0);unhi(0);
hi={s,t,m:d.querySelectorAll(`mark[data-note="${CSS.escape(s.id.slice(5))}"]`)};s.e.classList.add("on");hi.m.forEach(m=>m.classList.add("on"));s.e.focus({preventScroll:true});s.e.scrollIntoView({block:"nearest"});return 1};
let lay=()=>{let m=d.querySelector("main"),a=d.querySelector(".article-body"),M,y=0,L;if(!a)return;M=m.getBoundingClientRect();L=a.getBoundingClientRect().right-M.left+24;
let w=Math.min(300,d.documentElement.clientWidth-M.left-L-24);if(w<180){S.forEach(s=>s.e.remove());S=[];return}
S.forEach(s=>{s.e.style.width=w+"px";s.e.style.left=L+"px";s.y=s.r.getBoundingClientRect().top-M.top});
[...S].sort((p,q)=>p.y-q.y).forEach(s=>{y=Math.max(s.y,y);s.e.style.top=y+"px";y+=s.e.offsetHeight+12})};
let sides=()=>{S.forEach(s=>s.e.remove());S=[];unhi(0);if(WD.matches)d.querySelectorAll('.article-body a[role="doc-noteref"]').forEach(r=>{let id=decodeURIComponent(r.hash.slice(1)),n=d.getElementById(id),e,h,at;
if(!n||S.some(s=>s.id==id))return;e=d.createElement("div");h=d.createElement("p");e.className="side "+n.className;e.tabIndex=-1;e.setAttribute("role","note");e.setAttribute("aria-label","Note "+r.textContent);
h.className="side-n";h.textContent=r.textContent;e.append(h);
for(let c of n.children)if(!c.matches(".back")){c=c.cloneNode(true);c.removeAttribute("id");c.querySelectorAll("[id]").forEach(i=>i.removeAttribute("id"));e.append(c)}
at=r.closest("table,p,h1,h2,h3,h4,h5,h6,pre,li");at.tagName=="LI"?at.append(e):at.after(e);S.push({id,e,r})});lay()};
d.addEventListener("click",e=>{let t=e.target.closest?.(Q);
if(t&&!(e.ctrlKey||e.metaKey||e.shiftKey||e.altKey)&&(t.hash.startsWith("#note-")&&toSide(t)||open(t)))e.preventDefault();
else{if(hi&&!hi.s.e.contains(e.target))unhi(0);if(cur&&(!cur.b.contains(e.target)||e.target.closest("a")))close(0)}});
d.addEventListener("keydown",e=>{if(e.key=="Escape"&&(cur||hi)){e.preventDefault();cur?close(1):unhi(1)}});
addEventListener("resize",()=>{lay();cur&&place()});addEventListener("load",lay);WD.addEventListener("change",sides);sides();
let sl=d.querySelector("nav a[data-search]:not([aria-current])");if(sl){let f=d.createElement("form"),i=d.createElement("input");f.className="find";f.setAttribute("role","search");
i.type="search";i.name="q";i.placeholder="Search";i.setAttribute("aria-label","Search the briefings");f.append(i);f.onsubmit=e=>{e.preventDefault();location.href=sl.href+"?q="+encodeURIComponent(i.value)};sl.after(f)}
d.querySelectorAll(Q).forEach(a=>{a.setAttribute("aria-haspopup","dialog");a.setAttribute("aria-expanded","false")})})();
