/**
 * Built-in images the seed data points at (avatars, logo, favicon, login background), kept in
 * code so they are served the same way under Bun and on Workers, with no external host.
 */
const avatar = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">
<rect width="64" height="64" rx="32" fill="#e8f1ff"/>
<circle cx="32" cy="25" r="11" fill="#4c84ff"/>
<path d="M12 54c3-11 11-17 20-17s17 6 20 17" fill="#4c84ff"/>
</svg>`;

const logo = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">
<rect width="64" height="64" rx="14" fill="#4c84ff"/>
<path d="M18 16h8v13h12V16h8v32h-8V36H26v12h-8z" fill="#fff"/>
</svg>`;

const background = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1600 900" preserveAspectRatio="xMidYMid slice">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
<stop offset="0" stop-color="#eef4ff"/><stop offset="1" stop-color="#d6e4ff"/></linearGradient></defs>
<rect width="1600" height="900" fill="url(#g)"/>
<circle cx="1350" cy="150" r="260" fill="#4c84ff" opacity=".08"/>
<circle cx="200" cy="780" r="320" fill="#4c84ff" opacity=".06"/>
</svg>`;

export const builtinImages: Record<string, string> = {
  "avatar.svg": avatar,
  "logo.svg": logo,
  "favicon.svg": logo,
  "background.svg": background,
};
