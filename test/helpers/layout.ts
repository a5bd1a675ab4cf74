// Layout checks for the admin page's end-to-end tests: the page fits the screen (nothing sticks out or runs
// out of its box), the header is fully visible, colours follow the colour scheme with readable contrast, and
// full-page screenshots of the screen's width.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

/** Asserts the page's layout and colours at the current viewport (`at` names the page and mode in messages). */
export async function checkLayout(page: Page, at: string, scheme: 'light' | 'dark', width: number): Promise<void> {
  const m = await measure(page);
  assert.ok(m.scrollWidth <= width, `${at}: the page is ${m.scrollWidth} px wide`);
  assert.ok(m.header.left >= 0 && m.header.right <= width && m.header.width > 0, `${at}: the header is within the screen (${JSON.stringify(m.header)})`);
  for (const [part, box] of Object.entries(m.headerParts)) {
    assert.ok(box.left >= 0 && box.right <= width && box.width > 0 && box.height > 0, `${at}: the header's ${part} is fully visible (${JSON.stringify(box)})`);
  }
  assert.equal(m.overflowing, '', `${at}: no element sticks out of the screen`);
  assert.equal(m.spilling, '', `${at}: no content runs out of its box`);
  const background = luminance(m.background);
  if (scheme === 'dark') assert.ok(background < 0.05, `${at}: a dark background in dark mode (${m.background})`);
  else assert.ok(background > 0.9, `${at}: a light background in light mode (${m.background})`);
  const ratio = contrast(luminance(m.text), background);
  assert.ok(ratio >= 7, `${at}: text ${m.text} on ${m.background} has contrast ${ratio.toFixed(1)}`);
  for (const [what, colour] of Object.entries(m.surfaces)) {
    const l = luminance(colour);
    assert.ok(scheme === 'dark' ? l < 0.1 : l > 0.8, `${at}: the ${what} follows the scheme (${colour})`);
  }
}

interface Box {
  left: number;
  right: number;
  width: number;
  height: number;
}

/** What the layout checks read from the page: its width, the header's boxes, and the colours in use. */
export async function measure(page: Page) {
  return page.evaluate(() => {
    const box = (el: Element | null): Box => {
      const r = el?.getBoundingClientRect();
      return r ? { left: r.left, right: r.right, width: r.width, height: r.height } : { left: 0, right: 0, width: 0, height: 0 };
    };
    const width = document.documentElement.clientWidth;
    // Elements whose box ends beyond the screen's right edge (inside no scrolling container of their own).
    const overflowing = [...document.querySelectorAll('body *')]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.right > width + 0.5;
      })
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)} px)`)
      .join(', ');
    // Elements whose content is wider than they are (text running out of its box, still on the screen).
    const spilling = [...document.querySelectorAll('main *, header.top *')]
      .filter((el) => {
        if (!(el instanceof HTMLElement) || el.clientWidth === 0 || ['INPUT', 'SELECT', 'TEXTAREA', 'OPTION'].includes(el.tagName)) return false;
        const overflowX = getComputedStyle(el).overflowX;
        return (overflowX === 'visible' || overflowX === 'clip') && el.scrollWidth > el.clientWidth + 1;
      })
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className} (${el.scrollWidth} > ${el.clientWidth} px)`)
      .join(', ');
    const css = (sel: string, prop: 'backgroundColor' | 'color') => {
      const el = document.querySelector(sel);
      return el ? getComputedStyle(el)[prop] : '';
    };
    const surfaces: Record<string, string> = {};
    for (const [what, sel] of [
      ['card', '.card'],
      ['input', 'main input, main select'],
      ['table header', 'main th'],
    ] as const) {
      const c = css(sel, 'backgroundColor');
      // Transparent surfaces show the page's background, which is checked already.
      if (c && c !== 'rgba(0, 0, 0, 0)') surfaces[what] = c;
    }
    return {
      scrollWidth: document.documentElement.scrollWidth,
      header: box(document.querySelector('header.top')),
      headerParts: { brand: box(document.querySelector('header.top .brand')), access: box(document.querySelector('header.top summary')) },
      overflowing,
      spilling,
      background: getComputedStyle(document.body).backgroundColor,
      text: css('main', 'color'),
      surfaces,
    };
  });
}

/** The relative luminance of a CSS rgb()/rgba() colour (WCAG 2). */
export function luminance(colour: string): number {
  const m = /rgba?\((\d+), (\d+), (\d+)/.exec(colour);
  assert.ok(m, `a computed colour: ${colour}`);
  const [r, g, b] = [m[1], m[2], m[3]].map((c) => {
    const v = Number(c) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
export const contrast = (a: number, b: number) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);

/** A full-page screenshot into folder `dir`, checked to be a non-empty PNG of the screen's width. */
export async function screenshot(page: Page, dir: string, name: string, width: number): Promise<void> {
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  const png = readFileSync(path);
  assert.ok(statSync(path).size > 1000, `${name}.png is not empty (${statSync(path).size} bytes)`);
  assert.equal(png.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', `${name}.png is a PNG`);
  // IHDR's width: the screenshot is of the screen-wide page, not of a wider document.
  assert.equal(png.readUInt32BE(16), width, `${name}.png is ${width} px wide`);
}
