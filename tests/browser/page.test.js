// The gateway's web page in a real browser: headless Debian chromium,
// driven over the DevTools protocol by playwright-core (which launches the
// installed browser and downloads none). Pastes the example Kamerbrief,
// submits, waits for the annotated document, checks that the expected
// citations are links to their official URLs, that the tooltip of a guess
// shows on keyboard focus and the CSV download, saves a screenshot, then
// chooses an HTML file and checks its links.
// usage: node page.test.js GATEWAY_URL DOCUMENT SCREENSHOT.png
'use strict';
const fs = require('fs');
const { chromium } = require('playwright-core');

const [gw, docPath, shot] = process.argv.slice(2);
// citations of the example (examples/README.md) and their official URLs
const expected = {
  '2025Z15031': 'https://www.tweedekamer.nl/kamerstukken/detail?id=2025Z15031',
  'ah-tk-20202021-3011': 'https://zoek.officielebekendmakingen.nl/ah-tk-20202021-3011.html',
  'ah-tk-20242025-2790': 'https://zoek.officielebekendmakingen.nl/ah-tk-20242025-2790.html',
  'CELEX:32016R0679': 'https://eur-lex.europa.eu/legal-content/NL/TXT/?uri=CELEX:32016R0679',
  'jci1.3:c:BWBR0022463&artikel=25': 'https://wetten.overheid.nl/jci1.3:c:BWBR0022463&artikel=25',
};

function fail(msg) {
  throw new Error(msg);
}

(async () => {
  const t0 = Date.now();
  const userDir = fs.mkdtempSync(require('os').tmpdir() + '/vp-chromium-');
  const browser = await chromium.launchPersistentContext(userDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // without the background-networking flags chromium waits on the closed
    // network; --no-sandbox: the test may run as root in a container
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
      '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1100, height: 1400 },
    acceptDownloads: true,
    timeout: 60000,
  });
  try {
    const page = browser.pages()[0] || await browser.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push('page error: ' + e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push('console: ' + m.text());
    });
    // the page must not reach anything but the gateway
    await page.route('**/*', (route) => {
      const u = route.request().url();
      if (u.startsWith(gw) || u.startsWith('data:') || u.startsWith('blob:') ||
          u === 'about:srcdoc')
        return route.continue();
      problems.push('request off the gateway: ' + u);
      return route.abort();
    });
    await page.goto(gw + '/', { waitUntil: 'load' });
    if ((await page.title()).indexOf('Vindplaats') < 0)
      fail('the page at / is not the Vindplaats page');
    // keyboard access: the text area and the file input have labels
    if (await page.getByLabel('Document text').count() !== 1)
      fail('no labelled text area');
    if (await page.locator('#drop input[type=file]').count() !== 1)
      fail('the drop zone has no file input');

    await page.getByLabel('Document text').fill(fs.readFileSync(docPath, 'utf8'));
    await page.getByRole('button', { name: 'Find the citations' }).click();
    const frame = page.frameLocator('#doc');
    await frame.locator('section.sources li').first().waitFor({ timeout: 60000 });
    for (const [id, href] of Object.entries(expected)) {
      const links = frame.locator('article.doc a.cit[data-id="' + id + '"]');
      const n = await links.count();
      if (n < 1)
        fail('citation ' + id + ' is not a link in the annotated document');
      const got = await links.first().getAttribute('href');
      if (got !== href)
        fail('citation ' + id + ' links to ' + got + ', want ' + href);
    }
    // "nr. 3011" without a dossier is read as an Aanhangsel: a guess, marked
    const guess = frame.locator('a.cit.guess[data-id="ah-tk-20202021-3011"]').first();
    await guess.focus();
    const tip = frame.locator('#t' + await guess.getAttribute('id'));
    if (!(await tip.isVisible()))
      fail('the tooltip of a citation does not show on keyboard focus');
    if ((await tip.textContent()).indexOf('confidence') < 0)
      fail('the tooltip does not give the confidence');
    const summary = await page.locator('#summary').textContent();
    if (!/\d+ cited sources/.test(summary))
      fail('no summary of the result: ' + summary);
    // every place in the source list points back into the document
    const back = frame.locator('section.sources a[href^="#c"]');
    const nBack = await back.count();
    if (nBack < Object.keys(expected).length)
      fail('the source list links back to only ' + nBack + ' places');
    // the downloads: CSV from the same endpoint, one row per cited place
    const [dl] = await Promise.all([
      page.waitForEvent('download', { timeout: 30000 }),
      page.getByRole('button', { name: 'CSV' }).click(),
    ]);
    if (dl.suggestedFilename() !== 'pasted text.csv')
      fail('CSV download named ' + dl.suggestedFilename());
    const csv = fs.readFileSync(await dl.path(), 'utf8');
    if (!csv.startsWith('document,family,id,url,') || csv.indexOf('2025Z15031') < 0)
      fail('CSV download: ' + csv.slice(0, 200));
    // the screenshot shows the pasted letter; keep it for the artifacts
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: shot, fullPage: false });
    await page.screenshot({ path: shot.replace(/\.png$/, '-full.png'),
      fullPage: true });

    // a chosen file (HTML as published): its hyperlinks are places too
    const fixture = require('path').join(require('path').dirname(docPath),
      '..', 'tests', 'fixtures', 'docs', 'besluit.html');
    await page.getByLabel('Document text').fill('');
    await page.setInputFiles('#file', fixture);
    await page.getByRole('button', { name: 'Find the citations' }).click();
    const ecli = frame.locator('article.doc a.cit[data-id="ECLI:NL:HR:2020:1234"]');
    await ecli.first().waitFor({ timeout: 60000 });
    if (await ecli.first().getAttribute('href') !==
        'https://deeplink.rechtspraak.nl/uitspraak?id=ECLI:NL:HR:2020:1234')
      fail('the chosen HTML file: ECLI link ' + await ecli.first().getAttribute('href'));
    if (await frame.locator('h1').textContent() !== 'besluit.html')
      fail('the chosen file is not named in the result');
    if (problems.length)
      fail(problems.join('; '));
    console.log('ok: ' + Object.keys(expected).length + ' citations link to ' +
      'their sources; ' + summary + '; screenshot ' + shot + '; ' +
      ((Date.now() - t0) / 1000).toFixed(1) + ' s in the browser');
  } finally {
    await browser.close();
    fs.rmSync(userDir, { recursive: true, force: true });
  }
})().catch((e) => {
  console.error('FAIL: ' + e.message);
  process.exit(1);
});
