// The search page: loads the index (a script file beside the page, so it works from disk) and
// finds entries holding every word of the query at a word start; results are built as DOM nodes.
(()=>{let d=document,f=d.getElementById("find"),q=d.getElementById("q"),st=d.getElementById("status"),ol=d.getElementById("results"),W="[\\p{L}\\p{N}]",ix,hay;
d.getElementById("nojs").hidden=true;f.hidden=false;
let words=s=>(s.toLowerCase().match(/[\p{L}\p{N}]+/gu)||[]).slice(0,8);
let el=(t,c,x)=>{let e=d.createElement(t);if(c)e.className=c;if(x)e.textContent=x;return e};
let marked=(p,text,re)=>{let i=0;for(let m of text.matchAll(re)){p.append(text.slice(i,m.index),el("mark","",m[0]));i=m.index+m[0].length}p.append(text.slice(i))};
let snippet=(t,ws)=>{let m=t.search(new RegExp(`(?<!${W})${ws[0]}`,"iu")),a=Math.max(0,m-70),b;
if(a>0)a=t.indexOf(" ",a)+1||a;b=Math.min(t.length,a+220);if(b<t.length)b=t.lastIndexOf(" ",b)>a?t.lastIndexOf(" ",b):b;
return(a>0?"…":"")+t.slice(a,b)+(b<t.length?"…":"")};
let run=()=>{let s=q.value.trim(),ws=words(s),res=[],wt=[5,2,4,6];ol.textContent="";
if(!ws.length){st.textContent="";return}
let tests=ws.map(w=>new RegExp(`(?<!${W})${w}`,"iu")),ph=s.toLowerCase();
ix.d.forEach((e,n)=>{let h=hay[n];if(tests.every(r=>r.test(h)))res.push([wt[e[1]]+(h.toLowerCase().includes(ph)?5:0),n])});
res.sort((x,y)=>y[0]-x[0]||x[1]-y[1]);
st.textContent=res.length?`${res.length} result${res.length>1?"s":""} for “${s}”${res.length>50?", the first 50 shown":""}.`:`Nothing found for “${s}”.`;
let re=new RegExp(`(?<!${W})(?:${ws.join("|")})${W}*`,"giu");
for(let[,n]of res.slice(0,50)){let[b,k,a,l]=ix.d[n],br=ix.b[b],li=el("li"),h=el("p","hit"),x=el("a"),p=el("p","snip");
x.href=k==3?"../glossary/index.html#"+a:`../${br[0]}/index.html`+(a?"#"+a:"");
x.textContent=k==0?br[1]:k==1?"Article text":l;h.append(x," ",el("span","aside",k==3?"Glossary":k==0?"Briefing":"in "+br[1]));
marked(p,snippet(hay[n],ws),re);li.append(h,p);ol.append(li)}};
f.onsubmit=e=>{e.preventDefault();if(ix)run()};
q.value=new URLSearchParams(location.search).get("q")||"";
let sc=el("script");sc.src=f.dataset.index;
sc.onload=()=>{ix=window.briefingSearch;hay=ix.d.map(e=>e[1]==0?ix.b[e[0]][1]+". "+e[4]:e[4]);run()};
sc.onerror=()=>{st.textContent="The search index could not be loaded."};
st.textContent="Loading the index…";d.head.append(sc);q.focus()})();
