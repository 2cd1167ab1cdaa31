// A client-rendered app: the server process serves the built files and the report API.
export const ssr = false;
export const prerender = false;
