#!/usr/bin/env node
// Builds the generated static files into .build/static/ (git-ignored; Django
// serves that folder as static/build/, see STATICFILES_DIRS):
//
//   site.css   Bootstrap's stylesheet cut down by PurgeCSS to the selectors the
//              templates, the apps' Python (form widgets, crispy layouts), our
//              JavaScript and the form template packs can use, followed by
//              static/css/app.css. The only render-blocking stylesheet: a phone
//              on a slow line paints the page as soon as this small file is in.
//   icons.svg  An SVG sprite with one <symbol> per Bootstrap icon that a
//              template names with {% icon "name" %} (apps/core/templatetags/icons.py);
//              it replaces the icon font (131 KB) and its 85 KB stylesheet.
//
// Quick when nothing changed: a hash of every input (and of this script) is kept
// in .build/static/.inputs.sha256 and nothing is rewritten while it matches.
// bin/setup.sh runs it after npm ci; run it by hand after editing a template's
// classes or app.css while the dev server runs:  node bin/build-static.mjs
//
// Usage: node bin/build-static.mjs [--force]
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

import { PurgeCSS } from "purgecss";

// PostCSS as PurgeCSS itself has it (its dependency, same version).
const postcss = createRequire(createRequire(import.meta.url).resolve("purgecss"))("postcss");

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, ".build", "static");
const STAMP = join(OUT, ".inputs.sha256");
const BOOTSTRAP_CSS = join(ROOT, "node_modules", "bootstrap", "dist", "css", "bootstrap.min.css");
const APP_CSS = join(ROOT, "static", "css", "app.css");
const ICONS_DIR = join(ROOT, "node_modules", "bootstrap-icons", "icons");

// Classes, attributes and elements that Bootstrap's or htmx's JavaScript adds
// at run time (they appear in no template), and classes a template builds from
// a value: alert-{{ message.tags }} with Django's message levels.
const SAFELIST = {
    standard: [
        "show",
        "showing",
        "hiding",
        "collapse",
        "collapsing",
        "collapsed",
        "fade",
        "active",
        "disabled",
        "is-invalid",
        /^htmx-/,
        // Django's message levels as MESSAGE_TAGS names them (error is "danger").
        /^alert-(success|danger|warning|info)$/,
    ],
    deep: [],
    greedy: [],
};
// Attribute selectors kept whatever the content says: the dropdown's Popper
// placement and the states that Bootstrap's script sets. (No .was-validated or
// .is-valid: forms are checked on the server, which marks only what is wrong.)
const DYNAMIC_ATTRIBUTES = ["data-bs-popper", "aria-expanded", "aria-current", "aria-selected", "disabled", "readonly"];

// Words in comments and docstrings are no use of a class ("tooltip" in a sentence would
// keep Bootstrap's tooltips): they are cut before PurgeCSS reads a file's words.
const words = (text) => text.match(/[A-Za-z0-9_-]+/g) || [];
const EXTRACTORS = [
    {
        extensions: ["html", "txt"],
        extractor: (text) =>
            words(
                text
                    .replace(/\{#[\s\S]*?#\}/g, " ")
                    .replace(/\{%\s*comment\s*%\}[\s\S]*?\{%\s*endcomment\s*%\}/g, " ")
                    .replace(/<!--[\s\S]*?-->/g, " "),
            ),
    },
    {
        extensions: ["py"],
        extractor: (text) =>
            words(
                text
                    .replace(/"""[\s\S]*?"""/g, " ")
                    .replace(/'''[\s\S]*?'''/g, " ")
                    .replace(/^\s*#.*$/gm, " "),
            ),
    },
    {
        extensions: ["js"],
        extractor: (text) => words(text.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/^\s*\/\/.*$/gm, " ")),
    },
];

function walk(dir, accept, found = []) {
    if (!existsSync(dir)) return found;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
            if (entry.name === "__pycache__" || entry.name === "node_modules") continue;
            walk(path, accept, found);
        } else if (accept(path)) {
            found.push(path);
        }
    }
    return found;
}

// The template folders of the Python packages that render our forms' markup:
// Django's own form widgets, django-filter's, and of crispy-forms' Bootstrap 5
// pack only what |crispy and |as_crispy_field render (the templates use no
// FormHelper layouts; the pack's accordions, tabs, modals and floating fields
// would keep some 20 KB of unused rules).
function packageTemplateDirs() {
    const python = process.env.PYTHON || (existsSync(join(ROOT, ".venv", "bin", "python")) ? join(ROOT, ".venv", "bin", "python") : "python3");
    const code = [
        "import importlib.util, os",
        "for name, sub in (('crispy_bootstrap5', 'templates'),",
        "                  ('django', 'forms/templates'), ('django_filters', 'templates')):",
        "    spec = importlib.util.find_spec(name)",
        "    if spec and spec.submodule_search_locations:",
        "        print(os.path.join(list(spec.submodule_search_locations)[0], sub))",
    ].join("\n");
    try {
        return execFileSync(python, ["-c", code], { encoding: "utf-8" }).split("\n").filter(Boolean);
    } catch (error) {
        console.error(`build-static: cannot ask ${python} where the form template packs are: ${error.message}`);
        process.exit(1);
    }
}

const CRISPY_USED = new Set([
    "bootstrap5/uni_form.html",
    "bootstrap5/errors.html",
    "bootstrap5/field.html",
    "bootstrap5/layout/attrs.html",
    "bootstrap5/layout/field_errors.html",
    "bootstrap5/layout/field_errors_block.html",
    "bootstrap5/layout/field_file.html",
    "bootstrap5/layout/help_text.html",
    "bootstrap5/layout/help_text_and_errors.html",
    "bootstrap5/layout/radio_checkbox_select.html",
]);

function contentFiles() {
    const isHtml = (p) => p.endsWith(".html") || p.endsWith(".txt");
    const isAppPython = (p) => p.endsWith(".py") && !/[/\\](tests|migrations)[/\\]/.test(p);
    return [
        ...walk(join(ROOT, "templates"), isHtml),
        ...walk(join(ROOT, "apps"), (p) => isHtml(p) || isAppPython(p)),
        ...walk(join(ROOT, "static", "js"), (p) => p.endsWith(".js")),
        ...packageTemplateDirs().flatMap((dir) =>
            walk(dir, (p) => isHtml(p) && (!p.includes("crispy_bootstrap5") || CRISPY_USED.has(relative(dir, p).split("\\").join("/")))),
        ),
    ].sort();
}

// Icon names from {% icon "name" %}: literal names only, so that this list is complete.
function iconNames(files) {
    const names = new Set();
    const tag = /\{%\s*icon\s+["']([a-z0-9-]+)["']/g;
    for (const file of files) {
        if (!file.endsWith(".html")) continue;
        for (const match of readFileSync(file, "utf-8").matchAll(tag)) names.add(match[1]);
    }
    return [...names].sort();
}

function sprite(names) {
    const symbols = names.map((name) => {
        const file = join(ICONS_DIR, `${name}.svg`);
        if (!existsSync(file)) {
            console.error(`build-static: no Bootstrap icon named "${name}" (${relative(ROOT, file)})`);
            process.exit(1);
        }
        const svg = readFileSync(file, "utf-8");
        const viewBox = (svg.match(/viewBox="([^"]+)"/) || [null, "0 0 16 16"])[1];
        const inner = svg
            .replace(/^[\s\S]*?<svg[^>]*>/, "")
            .replace(/<\/svg>\s*$/, "")
            .replace(/\s*\n\s*/g, "")
            .trim();
        return `<symbol id="${name}" viewBox="${viewBox}">${inner}</symbol>`;
    });
    return `<svg xmlns="http://www.w3.org/2000/svg">${symbols.join("")}</svg>\n`;
}

// Bootstrap's declarations that app.css sets again for the same selectors (its darker
// blue, green and red for contrast) are dead weight in one file: app.css comes later
// with the same specificity. Also gone: the ::-webkit-file-upload-button copies of the
// ::file-selector-button rules, for browsers older than 2021.
function dropOverridden(bootstrapCss, appCss) {
    const normal = (selector) => selector.split(",").map((part) => part.trim().replace(/\s+/g, " "));
    const overrides = [];
    postcss.parse(appCss).each((node) => {
        if (node.type !== "rule") return;
        const props = new Set();
        node.each((decl) => decl.type === "decl" && !decl.important && props.add(decl.prop));
        overrides.push({ selectors: new Set(normal(node.selector)), props });
    });
    const root = postcss.parse(bootstrapCss);
    root.each((node) => {
        if (node.type !== "rule") return;
        const selectors = normal(node.selector);
        for (const { selectors: appSelectors, props } of overrides) {
            if (!selectors.every((selector) => appSelectors.has(selector))) continue;
            node.each((decl) => {
                if (decl.type === "decl" && !decl.important && props.has(decl.prop)) decl.remove();
            });
        }
        if (node.nodes.length === 0) node.remove();
    });
    root.walkRules((rule) => {
        const kept = rule.selectors.filter((selector) => !selector.includes("::-webkit-file-upload-button"));
        if (kept.length === 0) rule.remove();
        else if (kept.length < rule.selectors.length) rule.selectors = kept;
    });
    // A few hundred bytes more, meaning unchanged: Firefox's -moz- copies of properties
    // it has known unprefixed since 2020; the spaces after commas in custom properties
    // (clean-css leaves their values alone); the reduced-motion blocks, each of which
    // only switches a transition or animation off, as one block where the last stood.
    root.walkDecls((decl) => {
        if (decl.prop.startsWith("-moz-") && decl.parent.some((other) => other.prop === decl.prop.slice(5))) {
            decl.remove();
        } else if (decl.prop.startsWith("--") && !/["'(]url|url\(|["']/.test(decl.value)) {
            decl.value = decl.value.replace(/,\s+/g, ",");
        }
    });
    const reduced = [];
    root.each((node) => {
        if (node.type === "atrule" && node.name === "media" && node.params.replace(/\s+/g, "") === "(prefers-reduced-motion:reduce)") {
            reduced.push(node);
        }
    });
    const last = reduced.pop();
    for (const block of reduced) {
        last.prepend(...block.nodes.map((child) => child.clone()));
        block.remove();
    }
    return root.toString();
}

// Comments and spaces out of our own stylesheet (Bootstrap's comes minified).
function minify(css) {
    return css
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/\s+/g, " ")
        .replace(/\s*([{}:;,>])\s*/g, "$1")
        .replace(/;}/g, "}")
        .trim();
}

function writeAtomic(path, text) {
    writeFileSync(`${path}.tmp`, text);
    renameSync(`${path}.tmp`, path);
}

async function main() {
    const force = process.argv.includes("--force");
    const files = contentFiles();
    const inputs = [fileURLToPath(import.meta.url), BOOTSTRAP_CSS, APP_CSS, join(ROOT, "package-lock.json"), ...files];
    const hash = createHash("sha256");
    for (const file of inputs) {
        hash.update(relative(ROOT, file) + "\0");
        hash.update(readFileSync(file));
        hash.update("\0");
    }
    const digest = hash.digest("hex");
    const outputs = [join(OUT, "site.css"), join(OUT, "icons.svg")];
    if (!force && outputs.every((p) => existsSync(p)) && existsSync(STAMP) && readFileSync(STAMP, "utf-8").trim() === digest) {
        return;
    }

    const content = files.map((file) => ({ raw: readFileSync(file, "utf-8"), extension: file.split(".").pop() }));
    const appCss = readFileSync(APP_CSS, "utf-8");
    // The custom properties that app.css reads or sets stay with the ones Bootstrap's kept
    // rules read; so does --bs-position, which Bootstrap's dropdown script reads
    // (.dropdown-menu-end opens to the left).
    const appVariables = [...new Set([...(appCss.match(/--bs-[\w-]+/g) || []), "--bs-position"])];
    const [result] = await new PurgeCSS().purge({
        css: [BOOTSTRAP_CSS],
        content,
        extractors: EXTRACTORS,
        safelist: { ...SAFELIST, variables: appVariables },
        dynamicAttributes: DYNAMIC_ATTRIBUTES,
        // Of Bootstrap's --bs-* custom properties only those a kept rule reads (directly or
        // through another property) stay; no inline style sets one (the CSP refuses style="").
        variables: true,
        keyframes: true,
        fontFace: true,
    });
    // No source map travels with the cut file (and the manifest storage would look for it).
    const bootstrap = dropOverridden(result.css.replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*/g, ""), appCss);
    const css = `${bootstrap.trim()}\n/* static/css/app.css */\n${minify(appCss)}\n`;

    const names = iconNames(files);
    mkdirSync(OUT, { recursive: true });
    writeAtomic(join(OUT, "site.css"), css);
    writeAtomic(join(OUT, "icons.svg"), sprite(names));
    writeAtomic(STAMP, `${digest}\n`);
    const kb = (path) => (statSync(path).size / 1024).toFixed(1);
    console.log(
        `build-static: site.css ${kb(join(OUT, "site.css"))} KB (Bootstrap ${(statSync(BOOTSTRAP_CSS).size / 1024).toFixed(0)} KB cut down, app.css appended); ` +
            `icons.svg ${kb(join(OUT, "icons.svg"))} KB, ${names.length} icons; from ${files.length} files`,
    );
}

await main();
