// Saves bytes the console fetched with the API key (an error report) as a file: a plain link could not carry the key.
window.cxcDownload = (name, type, bytes) => {
    const url = URL.createObjectURL(new Blob([bytes], { type }));
    const a = Object.assign(document.createElement("a"), { href: url, download: name });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
};
