# Build: jifen runs the JavaScript tsc compiles to dist/ (npm ci runs `prepare`, which builds).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

# Run: the build's production dependencies (the embedded PostgreSQL's install script has run there)
# and the compiled dist/, which npm start runs (bin/launch.js).
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000

WORKDIR /app

COPY . .
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The embedded PostgreSQL (used only without DATABASE_URL) keeps its cluster and backups in /app/data; it runs as the user node.
RUN mkdir -p /app/data && chown node:node /app/data
USER node

EXPOSE 3000
CMD ["npm", "start"]
