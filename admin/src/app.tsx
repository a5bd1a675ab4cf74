// The page: header (who we call as), then the view the hash route names.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { GraphClient, type ApiVersion } from './api';
import { loadToken, loadVersion, saveToken, saveVersion } from './auth';
import { EditBusiness } from './components/Business';
import { BusinessPage } from './components/BusinessPage';
import { CalendarPage } from './components/Calendar';
import { CatalogueList, ItemPage, NewItem } from './components/Catalogue';
import { CATALOGUE } from './components/catalogueKinds';
import { Businesses } from './components/Businesses';
import { CustomerPage, NewCustomer } from './components/CustomerPage';
import { TokenPanel } from './components/TokenPanel';
import { Ctx, type AppContext } from './context';
import { declaredScopes, fetchModel, type Model } from './model';
import { href, useRoute } from './router';

export function App() {
  const [model, setModel] = useState<Model | null>(null);
  const [modelError, setModelError] = useState('');
  const [version, setVersion] = useState<ApiVersion>(loadVersion);
  const [token, setToken] = useState(loadToken);
  const [session, setSession] = useState(0);
  const route = useRoute();

  useEffect(() => {
    fetchModel().then(setModel, (err) => setModelError(String(err)));
  }, []);

  // The client reads the settings at call time; `session` tells views to reload when they change.
  const settings = useRef({ version, token });
  settings.current = { version, token };
  const client = useMemo(() => new GraphClient(() => settings.current), []);

  const ctx: AppContext | null = model && { client, model, version, session };
  return (
    <>
      <header class="top">
        <a class="brand" href={href.businesses()}>
          Clientele <span>admin</span>
        </a>
        {model && (
          <TokenPanel
            version={version}
            token={token}
            scopes={declaredScopes(model)}
            onVersion={(v) => {
              saveVersion(v);
              setVersion(v);
              setSession((s) => s + 1);
            }}
            onToken={(t) => {
              saveToken(t);
              setToken(t.trim());
              setSession((s) => s + 1);
            }}
          />
        )}
      </header>
      {modelError && <p class="error-box">Cannot load the model: {modelError}</p>}
      {ctx && (
        <Ctx.Provider value={ctx}>
          {route.page === 'businesses' && <Businesses />}
          {route.page === 'business' && <BusinessPage id={route.businessId} />}
          {route.page === 'calendar' && <CalendarPage businessId={route.businessId} week={route.week} />}
          {route.page === 'newCustomer' && <NewCustomer businessId={route.businessId} />}
          {route.page === 'customer' && <CustomerPage businessId={route.businessId} id={route.customerId} edit={route.edit} />}
          {route.page === 'editBusiness' && <EditBusiness id={route.businessId} />}
          {route.page === 'catalogue' && <CatalogueList key={route.kind} businessId={route.businessId} kind={CATALOGUE[route.kind]} />}
          {route.page === 'newItem' && <NewItem key={route.kind} businessId={route.businessId} kind={CATALOGUE[route.kind]} />}
          {route.page === 'item' && <ItemPage key={`${route.kind}/${route.itemId}`} businessId={route.businessId} kind={CATALOGUE[route.kind]} id={route.itemId} edit={route.edit} />}
        </Ctx.Provider>
      )}
    </>
  );
}
