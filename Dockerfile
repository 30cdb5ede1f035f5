# Build: the CLI runs the JavaScript tsc compiles to dist/ (npm ci runs `prepare`, which builds).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund

# Run: production dependencies and the compiled dist/; the server runs its sources through tsx.
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000

WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

COPY . .
COPY --from=build /app/dist ./dist
# The embedded database (used only without DATABASE_URL) keeps its data and backups in /app/data.
RUN mkdir -p /app/data && chown node:node /app/data
USER node

EXPOSE 3000
CMD ["npm", "start"]
