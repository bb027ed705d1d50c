// Enhancement: markers and terms open their note or definition beside the phrase.
(()=>{let d=document,cur=null,Q='a[role="doc-noteref"],a[role="doc-glossref"]';
let close=back=>{if(!cur)return;let c=cur;cur=null;c.b.remove();c.t.setAttribute("aria-expanded","false");c.m.forEach(m=>m.classList.remove("on"));if(back)c.t.focus()};
let place=()=>{let{t,b,m}=cur,s=b.style,r=t.getBoundingClientRect(),W=d.documentElement.clientWidth,H=innerHeight,c=(t.closest(".article-body")||t).getBoundingClientRect(),room=W-c.right-40,side=room>=256,o=b.offsetParent,p=o&&o!=d.body?o.getBoundingClientRect():{left:-scrollX,top:-scrollY},q=r.top,x,y,w,h;
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
d.addEventListener("click",e=>{let t=e.target.closest?.(Q);
if(t&&!(e.ctrlKey||e.metaKey||e.shiftKey||e.altKey)&&open(t))e.preventDefault();
else if(cur&&(!cur.b.contains(e.target)||e.target.closest("a")))close(0)});
d.addEventListener("keydown",e=>{if(e.key=="Escape"&&cur){e.preventDefault();close(1)}});
addEventListener("resize",()=>cur&&place());
d.querySelectorAll(Q).forEach(a=>{a.setAttribute("aria-haspopup","dialog");a.setAttribute("aria-expanded","false")})})();
